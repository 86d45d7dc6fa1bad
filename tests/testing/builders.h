// Small builders for requests and bundles in tests.
#ifndef CREDENCE_TESTS_TESTING_BUILDERS_H_
#define CREDENCE_TESTS_TESTING_BUILDERS_H_

#include <google/protobuf/text_format.h>

#include <cstdint>
#include <string>

#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::testing {

// 2026-10-01T00:00:00Z, the as_of most tests use.
inline constexpr std::int64_t kAsOfSeconds = 1790812800;
inline constexpr std::int64_t kDay = 86400;

inline google::protobuf::Timestamp Ts(std::int64_t seconds, std::int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

inline v1::Event* AddEvent(v1::ScoreRequest& r, const std::string& id, v1::EventKind kind,
                           std::int64_t seconds, std::int64_t minor_units = -1,
                           const std::string& currency = "USD") {
  v1::Event* e = r.add_events();
  e->set_id(id);
  e->set_kind(kind);
  *e->mutable_time() = Ts(seconds);
  if (minor_units >= 0) {
    e->mutable_amount()->set_currency_code(currency);
    e->mutable_amount()->set_minor_units(minor_units);
  }
  return e;
}

inline v1::ScoreRequest MakeRequest(const std::string& id = "req-1") {
  v1::ScoreRequest r;
  r.set_request_id(id);
  r.mutable_enterprise()->set_id("ent-1");
  *r.mutable_as_of() = Ts(kAsOfSeconds);
  return r;
}

template <typename Message>
Message ParseText(const std::string& text) {
  Message m;
  if (!google::protobuf::TextFormat::ParseFromString(text, &m)) m.Clear();
  return m;
}

}  // namespace credence::testing

#endif  // CREDENCE_TESTS_TESTING_BUILDERS_H_
