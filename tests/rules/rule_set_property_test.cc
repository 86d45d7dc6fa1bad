// RuleSets::Evaluate (the flat conditions of all sets in one batch, candidates gathered,
// messages rendered once or with to_chars) against a naive reference written here: every
// condition on the general evaluator (Program::Evaluate), the hit policies as
// docs/rule_sets.md states them, messages formatted with printf's "%.6g". Random rule sets
// over random activations, fixed seeds; the hits must be identical, field by field and in
// order.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "expr/program.h"
#include "rules/context.h"
#include "rules/rule_set.h"
#include "tests/testing/builders.h"

namespace credence::rules {
namespace {

const std::vector<std::string> kFeatures = {"f0", "f1", "f2", "f3", "f4", "f5"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Conditions: mostly in the flat subset (feature thresholds, ratios, ternaries), some
// reading request variables (outside it), some that can divide by zero or read a missing
// feature.
class RuleGen {
 public:
  explicit RuleGen(std::uint64_t seed) : rng_(seed) {}

  std::string Condition(int depth = 0) {
    switch (rng_() % (depth > 1 ? 3 : 7)) {
      case 0:
      case 1:
        return Feature() + Cmp() + Number();
      case 2:
        return "(" + Feature() + " + 1.0) / (" + Feature() + " + 1.0)" + Cmp() + Number();
      case 3:
        return "(" + Condition(depth + 1) + " && " + Condition(depth + 1) + ")";
      case 4:
        return "(" + Condition(depth + 1) + " || !(" + Condition(depth + 1) + "))";
      case 5:
        return "(" + Condition(depth + 1) + " ? " + Feature() + " : " + Feature() + " * 2.0)" +
               Cmp() + Number();
      default:
        return rng_() % 2 ? "enterprise.id == 'ent-1' && " + Feature() + " > 0.5"
                          : "size(request_id) > " + std::to_string(rng_() % 8);
    }
  }

  std::string Message() {
    switch (rng_() % 5) {
      case 0:
        return "";
      case 1:
        return "constant text";
      case 2:
        return "{{literal}} braces";
      default:
        return Feature() + " is {" + Feature() + "}, and {" + Feature() + "}";
    }
  }

  std::uint64_t Next() { return rng_(); }

 private:
  std::string Feature() { return kFeatures[rng_() % kFeatures.size()]; }
  const char* Cmp() {
    static const char* ops[] = {" < ", " <= ", " > ", " >= ", " == ", " != "};
    return ops[rng_() % 6];
  }
  std::string Number() { return std::to_string(rng_() % 4) + (rng_() % 2 ? ".5" : ".0"); }

  std::mt19937_64 rng_;
};

v1::Bundle RandomRuleSets(std::uint64_t seed) {
  RuleGen gen(seed);
  v1::Bundle b;
  const v1::RuleHitPolicy policies[] = {v1::RULE_HIT_POLICY_UNSPECIFIED, v1::RULE_HIT_POLICY_ALL,
                                        v1::RULE_HIT_POLICY_FIRST, v1::RULE_HIT_POLICY_PRIORITY};
  const int sets = 1 + static_cast<int>(gen.Next() % 4);
  for (int s = 0; s < sets; ++s) {
    v1::RuleSet* set = b.add_rule_sets();
    set->set_id("set" + std::to_string(s));
    set->set_hit_policy(policies[gen.Next() % 4]);
    const int rules = 1 + static_cast<int>(gen.Next() % 40);
    for (int r = 0; r < rules; ++r) {
      v1::Rule* rule = set->add_rules();
      rule->set_id("r" + std::to_string(r));
      rule->set_condition(gen.Condition());
      rule->set_priority(static_cast<int>(gen.Next() % 5));  // ties too
      rule->set_points(-static_cast<double>(gen.Next() % 7));
      if (gen.Next() % 2) rule->set_flag("flag" + std::to_string(r % 3));
      if (gen.Next() % 2) rule->set_reason_code("R" + std::to_string(r));
      rule->set_outcome(static_cast<v1::Outcome>(gen.Next() % 3));
      rule->set_severity(static_cast<v1::Severity>(gen.Next() % 3));
      rule->set_message(gen.Message());
    }
  }
  return b;
}

// printf's "%.6g", "missing" for NaN: the reference for cited feature values.
std::string Printf6g(double v) {
  if (std::isnan(v)) return "missing";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The message template rendered naively: "{name}" cites a feature, "{{" "}}" are braces.
std::string RenderReference(const std::string& text, const std::vector<double>& features) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
      out += text[i++];
    } else if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      const std::string name = text.substr(i + 1, close - i - 1);
      for (std::size_t k = 0; k < kFeatures.size(); ++k) {
        if (kFeatures[k] == name) out += Printf6g(features[k]);
      }
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

v1::RuleHit ReferenceHit(const std::string& set, const v1::Rule& r) {
  v1::RuleHit h;
  h.set_rule_set(set);
  h.set_rule_id(r.id());
  h.set_dimension(r.dimension());
  h.set_severity(r.severity());
  return h;
}

// The naive evaluator: each condition on its own through Program::Evaluate, in order.
google::protobuf::RepeatedPtrField<v1::RuleHit> Reference(const v1::Bundle& b,
                                                          const expr::Environment& env,
                                                          const expr::Activation& activation,
                                                          const std::vector<double>& features) {
  google::protobuf::RepeatedPtrField<v1::RuleHit> out;
  for (const v1::RuleSet& set : b.rule_sets()) {
    const v1::Rule* best = nullptr;
    for (const v1::Rule& r : set.rules()) {
      auto program = expr::Compile(r.condition(), env, {.expected_type = expr::Type::Bool()});
      EXPECT_TRUE(program.ok()) << r.condition();
      Result<expr::Value> v = (*program)->Evaluate(activation);
      EXPECT_TRUE(v.ok()) << r.condition();
      if (v->is_error()) {
        v1::RuleHit* h = out.Add();
        *h = ReferenceHit(set.id(), r);
        h->set_errored(true);
        h->set_error(std::string(StatusCodeName(v->error().code)) + ": " + v->error().message);
        continue;
      }
      if (!v->bool_value()) continue;
      if (set.hit_policy() == v1::RULE_HIT_POLICY_PRIORITY) {
        if (best == nullptr || r.priority() > best->priority()) best = &r;
        continue;
      }
      v1::RuleHit* h = out.Add();
      *h = ReferenceHit(set.id(), r);
      h->set_points(r.points());
      h->set_flag(r.flag());
      h->set_outcome(r.outcome());
      h->set_reason_code(r.reason_code());
      h->set_message(RenderReference(r.message(), features));
      if (set.hit_policy() == v1::RULE_HIT_POLICY_FIRST) break;
    }
    if (best != nullptr) {
      v1::RuleHit* h = out.Add();
      *h = ReferenceHit(set.id(), *best);
      h->set_points(best->points());
      h->set_flag(best->flag());
      h->set_outcome(best->outcome());
      h->set_reason_code(best->reason_code());
      h->set_message(RenderReference(best->message(), features));
    }
  }
  return out;
}

TEST(RuleSetPropertyTest, BatchEvaluationEqualsTheNaiveReference) {
  auto env = MakeEnvironment(kFeatures);
  ASSERT_TRUE(env.ok()) << env.status();
  const double values[] = {0.0, -0.0, 0.5, 1.0, 1.5, 2.5, 3.5, -1.0, 1234567.891, 1e-7, kNaN};
  std::mt19937_64 rng(4242);
  int hits = 0, errored = 0, rules = 0, batched = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const v1::Bundle b = RandomRuleSets(seed);
    auto compiled = RuleSets::Compile(b.rule_sets(), *env, kFeatures, {}, nullptr, nullptr);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    rules += static_cast<int>(compiled->rule_count());
    batched += static_cast<int>(compiled->fast_rule_count());
    google::protobuf::RepeatedPtrField<v1::RuleHit> got;  // reused, as a host would
    for (int k = 0; k < 25; ++k) {
      std::vector<double> features(kFeatures.size());
      for (double& x : features) x = values[rng() % std::size(values)];
      expr::Activation activation;
      activation.set_features(features);
      BindRequest(testing::MakeRequest(), activation);
      got.Clear();
      compiled->Evaluate(features, activation, &got);
      const auto want = Reference(b, *env, activation, features);
      ASSERT_EQ(got.size(), want.size()) << "seed " << seed << ", vector " << k;
      for (int i = 0; i < got.size(); ++i) {
        ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got[i], want[i]))
            << "seed " << seed << ", vector " << k << ", hit " << i
            << "\n got: " << got[i].ShortDebugString() << "\nwant: " << want[i].ShortDebugString();
        errored += got[i].errored();
      }
      hits += got.size();
      // The records of the same evaluation give the same hits: rule, set, message, error.
      HitRecords records;
      compiled->Evaluate(features, activation, &records);
      ASSERT_EQ(records.hits.size(), static_cast<std::size_t>(want.size()));
      std::string message;
      for (int i = 0; i < want.size(); ++i) {
        const HitRecord& record = records.hits[static_cast<std::size_t>(i)];
        EXPECT_EQ(compiled->set_id(record), want[i].rule_set());
        EXPECT_EQ(compiled->rule(record).id(), want[i].rule_id());
        EXPECT_EQ(record.error >= 0, want[i].errored());
        if (record.error >= 0) continue;
        compiled->RenderMessage(record, features, message);
        EXPECT_EQ(message, want[i].message());
      }
    }
  }
  EXPECT_GT(batched, rules / 2) << "most conditions run in the batch";
  EXPECT_LT(batched, rules) << "conditions outside the batch must be exercised";
  EXPECT_GT(errored, hits / 20) << "errored hits must be exercised";
  EXPECT_GT(hits - errored, hits / 4);
}

// Feature values in messages are printf's "%.6g" (the reference), through every magnitude.
TEST(RuleSetPropertyTest, FeatureValuesFormatLikePrintf) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
  std::uniform_int_distribution<int> exponent(-320, 308);
  for (int i = 0; i < 20000; ++i) {
    const double v = mantissa(rng) * std::pow(10.0, exponent(rng));
    ASSERT_EQ(FormatFeatureValue(v), Printf6g(v)) << v;
  }
  for (double v :
       {0.0, -0.0, 1.0, 0.5, 123456.0, 1234567.0, 0.0001, 0.00001, 9.999995, 1e300,
        std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), kNaN}) {
    EXPECT_EQ(FormatFeatureValue(v), Printf6g(v)) << v;
  }
}

}  // namespace
}  // namespace credence::rules
