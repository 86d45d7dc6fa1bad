// The differential check of the request readers (io/request_reader.h) against the reference
// path (ParseRequest, then Ingest), shared by the tests and the fuzz target, and a generator
// of random requests that use every field and every attribute type.
#ifndef CREDENCE_TESTS_ENGINE_REQUEST_READER_TESTING_H_
#define CREDENCE_TESTS_ENGINE_REQUEST_READER_TESTING_H_

#include <google/protobuf/util/message_differencer.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "credence/engine.h"
#include "io/ingest.h"
#include "io/request_reader.h"

namespace credence::io::testing {

enum class Path { kRead, kFallback, kError };

// What the reader did with some bytes.
struct Outcome {
  Path path = Path::kFallback;
  Status error;                    // kError
  std::optional<ReadResult> read;  // kRead
};

inline Outcome RunReader(std::string_view bytes, WireFormat format, const FxTable& fx,
                         const RequestLimits& limits = {}) {
  Outcome o;
  if (format != WireFormat::kBinary && format != WireFormat::kJson) return o;
  auto r = ReadRequest(bytes,
                       format == WireFormat::kJson ? RequestFormat::kJson : RequestFormat::kBinary,
                       fx, limits);
  if (!r.ok()) {
    o.path = Path::kError;
    o.error = r.status();
  } else if (*r) {
    o.path = Path::kRead;
    o.read = std::move(*r);
  }
  return o;
}

// The reference: ParseRequest, then Ingest. `request` holds the parsed message.
struct Reference {
  Status status;  // the first error, of parsing or ingest
  bool parsed = false;
  v1::ScoreRequest request;
  std::optional<IngestedRequest> ingested;
};

inline Reference RunReference(std::string_view bytes, WireFormat format, const FxTable& fx,
                              const RequestLimits& limits = {}) {
  Reference ref;
  auto parsed = ParseRequest(bytes, format);
  if (!parsed.ok()) {
    ref.status = parsed.status();
    return ref;
  }
  ref.parsed = true;
  ref.request = std::move(parsed).value();
  auto in = Ingest(ref.request, fx, limits);
  if (!in.ok()) {
    ref.status = in.status();
    return ref;
  }
  ref.ingested = std::move(in).value();
  return ref;
}

// "" when the two tables hold the same events (strings compared by value), else the first
// difference.
inline std::string DiffTables(const EventTable& a, const EventTable& b) {
  std::ostringstream out;
  if (a.size() != b.size()) {
    out << "rows " << a.size() << " vs " << b.size();
    return out.str();
  }
  auto str = [](const EventTable& t, std::int32_t id) {
    return id == StringPool::kNoString ? std::string_view() : t.strings.Get(id);
  };
  auto same_double = [](double x, double y) {
    return std::memcmp(&x, &y, sizeof x) == 0;  // NaN == NaN, -0 != +0
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool same =
        a.time[i] == b.time[i] && a.kind[i] == b.kind[i] && a.id[i] == b.id[i] &&
        a.reference_id[i] == b.reference_id[i] && a.reference_row[i] == b.reference_row[i] &&
        a.amount_minor[i] == b.amount_minor[i] && same_double(a.amount[i], b.amount[i]) &&
        str(a, a.custom_kind[i]) == str(b, b.custom_kind[i]) &&
        str(a, a.counterparty[i]) == str(b, b.counterparty[i]) &&
        str(a, a.destination_country[i]) == str(b, b.destination_country[i]) &&
        str(a, a.origin_country[i]) == str(b, b.origin_country[i]) &&
        str(a, a.channel[i]) == str(b, b.channel[i]) &&
        str(a, a.status[i]) == str(b, b.status[i]) && a.input_index[i] == b.input_index[i] &&
        a.attr_begin[i + 1] == b.attr_begin[i + 1];
    if (!same) {
      out << "row " << i << " (event " << a.input_index[i] << " vs " << b.input_index[i] << ")";
      return out.str();
    }
    for (std::uint32_t k = a.attr_begin[i]; k < a.attr_begin[i + 1]; ++k) {
      const Attribute& x = a.attributes[k];
      const Attribute& y = b.attributes[k];
      if (str(a, x.key) != str(b, y.key) || x.type != y.type ||
          str(a, x.string_id) != str(b, y.string_id) || x.int_value != y.int_value ||
          !same_double(x.double_value, y.double_value)) {
        out << "row " << i << " attribute " << str(a, x.key);
        return out.str();
      }
    }
  }
  return "";
}

// "" when `read` is what the reference computed, else the first difference.
inline std::string DiffRead(const ReadResult& read, const Reference& ref) {
  if (!ref.ingested) return "reader accepted, reference failed: " + ref.status.ToString();
  v1::ScoreRequest header = ref.request;
  header.clear_events();
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  if (!differ.Compare(read.header, header)) return "header: " + diff;
  const IngestedRequest& a = read.ingested;
  const IngestedRequest& b = *ref.ingested;
  if (a.as_of != b.as_of || a.registered_at != b.registered_at) return "as_of or registered_at";
  if (!google::protobuf::util::MessageDifferencer::Equals(a.summary, b.summary)) {
    return "summary: " + a.summary.ShortDebugString() + " vs " + b.summary.ShortDebugString();
  }
  return DiffTables(a.events, b.events);
}

// The readers' contract on one input (see request_reader.h): "" when it holds, else why not.
//  - read: the reference succeeds with the same header and table;
//  - error: INVALID_ARGUMENT located at a field path; the reference fails the same way,
//    or (protobuf 3.21, before the shape check in front of its parser) flattens the input;
//  - fallback: always allowed (the engine then takes the reference path).
inline std::string CheckContract(std::string_view bytes, WireFormat format, const FxTable& fx,
                                 const RequestLimits& limits = {}) {
  const Outcome o = RunReader(bytes, format, fx, limits);
  if (o.path == Path::kFallback) return "";
  const Reference ref = RunReference(bytes, format, fx, limits);
  if (o.path == Path::kRead) return DiffRead(*o.read, ref);
  const SourceLocation* where = o.error.location();
  if (o.error.code() != StatusCode::kInvalidArgument || where == nullptr ||
      where->field_path.empty()) {
    return "reader error without a field path: " + o.error.ToString();
  }
  if (ref.parsed) return "";  // the reference flattened what the reader refused
  if (ref.status.code() != StatusCode::kInvalidArgument) {
    return "codes differ: " + o.error.ToString() + " vs " + ref.status.ToString();
  }
  const SourceLocation* ref_where = ref.status.location();
  if (ref_where != nullptr && !ref_where->field_path.empty() &&
      ref_where->field_path != where->field_path) {
    return "paths differ: " + o.error.ToString() + " vs " + ref.status.ToString();
  }
  return "";
}

// A random request using every field of the schema, every attribute type, several
// currencies, unsorted times, duplicate ids, events after as_of and references.
inline v1::ScoreRequest RandomRequest(std::mt19937_64& rng, int max_events = 60) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    return std::string(xs.begin()[rng() % xs.size()]);
  };
  auto ts = [&](google::protobuf::Timestamp* t, bool nanos) {
    t->set_seconds(1790812800 - static_cast<std::int64_t>(rng() % (800ULL * 86400)) +
                   static_cast<std::int64_t>(rng() % 3 == 0 ? rng() % 86400 : 0));
    if (nanos && rng() % 3 == 0) t->set_nanos(static_cast<std::int32_t>(rng() % 1000000000));
  };
  auto attribute = [&](v1::AttributeValue* a) {
    switch (rng() % 6) {
      case 0:
        a->set_string_value(pick({"x", "caf\xc3\xa9", "quote\"and\\slash", "a b", "\xe4\xb8\xad"}));
        break;
      case 1:
        a->set_int_value(static_cast<std::int64_t>(rng()) >> (rng() % 64));
        break;
      case 2:
        a->set_double_value(pick({"0.1", "-2.5", "1e300", "0", "12345.678"}) == "0.1"
                                ? 0.1
                                : static_cast<double>(static_cast<std::int32_t>(rng())) / 7.0);
        break;
      case 3:
        a->set_bool_value(rng() % 2);
        break;
      case 4:
        a->mutable_money_value()->set_currency_code(pick({"USD", "EUR", "JPY", "CNY"}));
        a->mutable_money_value()->set_minor_units(static_cast<std::int64_t>(rng() % 2000000) -
                                                  1000000);
        break;
      default:
        ts(a->mutable_timestamp_value(), true);
        break;
    }
  };
  v1::ScoreRequest r;
  r.set_request_id("req-" + std::to_string(rng() % 1000));
  r.mutable_as_of()->set_seconds(1790812800);
  v1::Enterprise* e = r.mutable_enterprise();
  e->set_id("ent-" + std::to_string(rng() % 100));
  if (rng() % 2) e->set_name(pick({"Acme", "Ma\xc3\xafs Co", "\xe6\xb7\xb1\xe5\x9c\xb3 Ltd"}));
  if (rng() % 2) ts(e->mutable_registered_at(), false);
  if (rng() % 2) e->set_zone("FTZ");
  if (rng() % 2) e->set_country("CN");
  if (rng() % 2) {
    v1::Certification* c = e->add_certifications();
    c->set_scheme("AEO");
    c->set_level(pick({"advanced", "certified"}));
    ts(c->mutable_valid_from(), false);
  }
  if (rng() % 2) {
    v1::Licence* l = e->add_licences();
    l->set_type("customs_registration");
    l->set_status(static_cast<v1::LicenceStatus>(rng() % 5));
  }
  if (rng() % 3 == 0) attribute(&(*e->mutable_attributes())["tier"]);
  if (rng() % 2) {
    v1::FxRate* fx = r.add_fx_rates();
    fx->set_currency_code("JPY");
    fx->set_rate(pick({"0.0067", "0.007"}));
  }
  if (rng() % 3 == 0) r.mutable_options()->set_max_reason_codes(static_cast<int>(rng() % 6));
  if (rng() % 3 == 0) r.mutable_options()->set_include_features(true);
  const int n = static_cast<int>(rng() % static_cast<std::uint64_t>(max_events + 1));
  for (int i = 0; i < n; ++i) {
    v1::Event* ev = r.add_events();
    ev->set_id("e" + std::to_string(rng() % static_cast<std::uint64_t>(n + 2)));
    ts(ev->mutable_time(), true);
    if (rng() % 10 == 0) ev->mutable_time()->set_seconds(1790812800 + 100);  // after as_of
    const bool custom = rng() % 10 == 0;
    ev->set_kind(
        custom
            ? v1::EVENT_KIND_CUSTOM
            : static_cast<v1::EventKind>(
                  v1::EventKind_descriptor()->value(1 + static_cast<int>(rng() % 24))->number()));
    if (ev->kind() == v1::EVENT_KIND_CUSTOM) ev->set_custom_kind("audit");
    if (rng() % 2) {
      ev->mutable_amount()->set_currency_code(pick({"USD", "EUR", "JPY", "CNY", "KWD"}));
      ev->mutable_amount()->set_minor_units(static_cast<std::int64_t>(rng() % 10000000));
    }
    if (rng() % 2) ev->set_counterparty("b" + std::to_string(rng() % 20));
    if (rng() % 2) ev->set_destination_country(pick({"US", "DE", "JP"}));
    if (rng() % 3 == 0) ev->set_origin_country("CN");
    if (rng() % 3 == 0) ev->set_channel(pick({"temu", "own_site"}));
    if (rng() % 2) ev->set_status(pick({"completed", "failed", "on_time", "r\xc3\xa9sultat"}));
    if (rng() % 3 == 0) ev->set_reference_id("e" + std::to_string(rng() % (n + 2)));
    const int attributes = static_cast<int>(rng() % 4);
    for (int k = 0; k < attributes; ++k) {
      attribute(&(*ev->mutable_attributes())[pick({"a", "days_late", "tracking_valid", "z"})]);
    }
  }
  return r;
}

}  // namespace credence::io::testing

#endif  // CREDENCE_TESTS_ENGINE_REQUEST_READER_TESTING_H_
