// DefinitionCompiler as a whole: names, the per-feature dispatch to the kind compilers
// (compile_kinds.cc), hidden prior windows for growths and the dependency order of ratios
// and growths. See compiler.h.
#include <string>
#include <utility>
#include <vector>

#include "features/compiler.h"

namespace credence::features {

std::string FeaturePath(int i, std::string_view field) {
  std::string p = "features[" + std::to_string(i) + "]";
  if (!field.empty()) {
    p += '.';
    p += field;
  }
  return p;
}

DefinitionCompiler::DefinitionCompiler(int base_currency_exponent,
                                       const BundleSourceMap* source_map,
                                       std::vector<Issue>* issues)
    : source_map_(source_map), issues_(issues) {
  defs_.base_exponent = base_currency_exponent;
}

void DefinitionCompiler::Report(StatusCode code, const std::string& path,
                                const std::string& message) {
  SourceLocation where =
      source_map_ != nullptr ? source_map_->Locate(path) : SourceLocation{.field_path = path};
  Status s(code, message, std::move(where));
  if (issues_ != nullptr) issues_->push_back({Issue::Severity::kError, s});
  if (first_.ok()) first_ = s;
}

void DefinitionCompiler::Invalid(const std::string& path, const std::string& message) {
  Report(StatusCode::kInvalidArgument, path, message);
}

Result<FeatureDefinitions> DefinitionCompiler::Compile(
    const google::protobuf::RepeatedPtrField<v1::Feature>& features, std::size_t max_features) && {
  if (static_cast<std::size_t>(features.size()) > max_features) {
    Report(StatusCode::kOutOfRange, "features",
           std::to_string(features.size()) + " features exceed the limit of " +
               std::to_string(max_features));
    return first_;
  }
  const int n = features.size();
  CompileNames(features);  // first, so ratios and growths can refer forward
  for (int i = 0; i < n; ++i) defs_.features.push_back(CompileFeature(features[i], i));
  AddGrowthPriors(n);
  if (!first_.ok()) return first_;
  OrderDerived(n);
  if (!first_.ok()) return first_;
  return std::move(defs_);
}

void DefinitionCompiler::CompileNames(
    const google::protobuf::RepeatedPtrField<v1::Feature>& features) {
  for (int i = 0; i < features.size(); ++i) {
    const std::string& name = features[i].name();
    bool valid = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name)
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!valid) {
      Invalid(FeaturePath(i, "name"),
              "feature name '" + name + "' must match [a-z][a-z0-9_]{0,63}");
    } else if (!defs_.index.emplace(name, i).second) {
      Invalid(FeaturePath(i, "name"), "duplicate feature name '" + name + "'");
    }
    defs_.names.push_back(name);
  }
}

CompiledFeature DefinitionCompiler::CompileFeature(const v1::Feature& f, int i) {
  const std::string who = "feature '" + f.name() + "': ";
  CompiledFeature c;
  if (f.has_aggregate() || f.has_trend() || f.has_link()) {
    c.filter = CompileFilter(f.filter(), FeaturePath(i, "filter"), who);
    c.window = CompileWindow(f.window(), i, who);
  } else if (f.computation_case() != v1::Feature::COMPUTATION_NOT_SET &&
             (f.has_filter() || f.has_window())) {
    Invalid(FeaturePath(i, f.has_filter() ? "filter" : "window"),
            who + "only aggregate, trend and link features take a filter or window");
  }
  switch (f.computation_case()) {
    case v1::Feature::kAggregate:
      CompileAggregate(f.aggregate(), i, who, c);
      break;
    case v1::Feature::kTrend:
      CompileTrend(f.trend(), i, who, c);
      break;
    case v1::Feature::kLink:
      CompileLink(f.link(), i, who, c);
      break;
    case v1::Feature::kRatio:
      CompileRatio(f.ratio(), i, who, c);
      break;
    case v1::Feature::kGrowth:
      CompileGrowth(f.growth(), i, who, c);
      break;
    case v1::Feature::kDaysSinceRegistration:
      c.kind = Kind::kDaysSinceRegistration;
      break;
    case v1::Feature::COMPUTATION_NOT_SET:
      Invalid(FeaturePath(i), who +
                                  "no computation (aggregate, trend, link, ratio, growth, "
                                  "days_since_registration)");
      break;
  }
  return c;
}

// Growth: the current value is feature `a`; the prior is a hidden copy of it whose window is
// shifted back by its trailing length.
void DefinitionCompiler::AddGrowthPriors(int n) {
  for (int i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (defs_.features[u].kind != Kind::kGrowth || defs_.features[u].a < 0) continue;
    const auto src = static_cast<std::size_t>(defs_.features[u].a);
    const std::string who = "feature '" + defs_.names[u] + "': ";
    if (!IsWindowed(defs_.features[src].kind)) {
      Invalid(
          FeaturePath(i, "growth.feature"),
          who + "growth needs an aggregate, trend or link feature, not '" + defs_.names[src] + "'");
      continue;
    }
    if (defs_.features[src].window.all_history) {
      Invalid(FeaturePath(i, "growth.feature"), who +
                                                    "growth needs a feature with a trailing "
                                                    "window; '" +
                                                    defs_.names[src] + "' has none");
      continue;
    }
    CompiledFeature prior = defs_.features[src];
    prior.window.offset += prior.window.trailing;
    defs_.features[u].b = static_cast<int>(defs_.features.size());
    defs_.features.push_back(std::move(prior));
  }
}

// Depth-first over ratio and growth inputs; a grey node met again is a cycle. Windowed
// features and hidden priors have no inputs.
void DefinitionCompiler::OrderDerived(int n) {
  const std::vector<CompiledFeature>& features = defs_.features;
  std::vector<int> state(features.size(), 0);  // 0 new, 1 on stack, 2 done
  auto inputs_of = [](const CompiledFeature& cf, int* out) {
    if (cf.kind == Kind::kRatio) {
      out[0] = cf.a;
      out[1] = cf.b;
      return 2;
    }
    if (cf.kind == Kind::kGrowth) {
      out[0] = cf.a;
      return 1;
    }
    return 0;
  };
  for (int root = 0; root < n && first_.ok(); ++root) {
    std::vector<std::pair<int, int>> stack{{root, 0}};
    while (!stack.empty() && first_.ok()) {
      auto& [node, next] = stack.back();
      const auto u = static_cast<std::size_t>(node);
      if (state[u] == 2) {
        stack.pop_back();
        continue;
      }
      state[u] = 1;
      const CompiledFeature& cf = features[u];
      int inputs[2];
      const int count = inputs_of(cf, inputs);
      if (next < count) {
        const int child = inputs[next++];
        const auto v = static_cast<std::size_t>(child);
        if (state[v] == 1) {
          Invalid(FeaturePath(node, cf.kind == Kind::kRatio ? "ratio" : "growth"),
                  "feature '" + defs_.names[u] + "': inputs form a cycle through '" +
                      defs_.names[v] + "'");
        } else if (state[v] == 0) {
          stack.push_back({child, 0});
        }
        continue;
      }
      state[u] = 2;
      if (count > 0) defs_.derived_order.push_back(node);
      stack.pop_back();
    }
  }
}

}  // namespace credence::features
