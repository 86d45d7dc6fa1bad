// Writing simulated events: Builder appends events with sequential ids and drops those
// outside the simulated history; small setters for money, attributes and decimal numbers.
#ifndef CREDENCE_SIM_EVENT_BUILDER_H_
#define CREDENCE_SIM_EVENT_BUILDER_H_

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "credence/v1/score.pb.h"
#include "sim/catalog.h"

namespace credence::sim {

// Appends events to one request. Thread-compatible; one per enterprise.
class Builder {
 public:
  Builder(v1::ScoreRequest* request, std::string prefix, std::int64_t start, std::int64_t as_of)
      : request_(request), prefix_(std::move(prefix)), start_(start), as_of_(as_of) {}

  // A new event at `t` (seconds), or null when t is after as_of (it has not happened yet) or
  // before the start of the simulated history.
  v1::Event* Add(v1::EventKind kind, std::int64_t t) {
    if (t > as_of_ || t < start_) return nullptr;
    v1::Event* e = request_->add_events();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ++count_);
    (void)ec;
    std::string* id = e->mutable_id();
    id->reserve(prefix_.size() + 1 + static_cast<std::size_t>(end - buf));
    id->append(prefix_).push_back('-');
    id->append(buf, end);
    e->mutable_time()->set_seconds(t);
    e->set_kind(kind);
    return e;
  }
  v1::Event* AddCustom(std::string_view custom_kind, std::int64_t t) {
    v1::Event* e = Add(v1::EVENT_KIND_CUSTOM, t);
    if (e != nullptr) e->set_custom_kind(std::string(custom_kind));
    return e;
  }

 private:
  v1::ScoreRequest* request_;
  std::string prefix_;
  std::int64_t start_;
  std::int64_t as_of_;
  std::int64_t count_ = 0;
};

inline void SetMoney(v1::Money* m, const char* currency, std::int64_t minor) {
  m->set_currency_code(currency);
  m->set_minor_units(minor);
}
// `cny` yuan as money of the market's currency.
inline std::int64_t MinorUnits(double cny, const Market& market) {
  const double units = cny / market.cny_per_unit * (market.exponent == 2 ? 100.0 : 1.0);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(units)));
}
inline std::int64_t Fen(double cny) { return std::max<std::int64_t>(1, std::llround(cny * 100.0)); }

inline void SetString(v1::Event* e, const char* name, std::string_view v) {
  (*e->mutable_attributes())[name].set_string_value(std::string(v));
}
inline void SetInt(v1::Event* e, const char* name, std::int64_t v) {
  (*e->mutable_attributes())[name].set_int_value(v);
}
inline void SetBool(v1::Event* e, const char* name, bool v) {
  (*e->mutable_attributes())[name].set_bool_value(v);
}

inline std::string Num(std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

}  // namespace credence::sim

#endif  // CREDENCE_SIM_EVENT_BUILDER_H_
