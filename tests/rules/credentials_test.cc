// Credentials as of the scoring date, as rules see them (rules/context.h, io/credentials.h):
// valid certifications and licences, expired and not-yet-valid ones with their dates, the
// official customs grade; and the ingest checks of their dates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "io/credentials.h"
#include "io/ingest.h"
#include "rules/context.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::rules {
namespace {

using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::StatusIs;
using ::credence::testing::Ts;
using ::testing::HasSubstr;

// What a rule reads for `name` of request `r`, as explain shows it.
std::string Read(const std::string& name, const v1::ScoreRequest& r) {
  v1::ScoreResponse response;
  return DescribeReads(name, r, response);
}

v1::Certification* Cert(v1::ScoreRequest& r, const char* level, std::int64_t from,
                        std::int64_t until) {
  v1::Certification* c = r.mutable_enterprise()->add_certifications();
  c->set_scheme("AEO");
  c->set_level(level);
  if (from != 0) *c->mutable_valid_from() = Ts(from);
  if (until != 0) *c->mutable_valid_until() = Ts(until);
  return c;
}

v1::Licence* Lic(v1::ScoreRequest& r, const char* type, v1::LicenceStatus status,
                 std::int64_t granted, std::int64_t expires) {
  v1::Licence* l = r.mutable_enterprise()->add_licences();
  l->set_type(type);
  l->set_status(status);
  if (granted != 0) *l->mutable_granted_at() = Ts(granted);
  if (expires != 0) *l->mutable_expires_at() = Ts(expires);
  return l;
}

TEST(CredentialsTest, CertificationsAreJudgedAtAsOfWithAnExclusiveEnd) {
  v1::ScoreRequest r = testing::MakeRequest();
  const std::int64_t t = kAsOfSeconds;
  Cert(r, "advanced", t - 900 * kDay, t);                 // ends exactly at as_of: expired
  Cert(r, "advanced", t - 3000 * kDay, t - 2000 * kDay);  // expired earlier (the later end shows)
  Cert(r, "certified", t, t + 100 * kDay);                // starts exactly at as_of: valid
  Cert(r, "pending", t + 1, 0);                           // one second too late
  Cert(r, "forever", 0, 0);                               // no dates: valid
  EXPECT_EQ(Read("enterprise.certifications", r),
            "enterprise.certifications = [\"AEO:certified\", \"AEO:forever\"]");
  EXPECT_EQ(Read("enterprise.expired_certifications", r),
            "enterprise.expired_certifications = {\"AEO:advanced\": 2026-10-01T00:00:00Z}");
  EXPECT_EQ(Read("enterprise.pending_certifications", r),
            "enterprise.pending_certifications = {\"AEO:pending\": 2026-10-01T00:00:01Z}");
}

TEST(CredentialsTest, LicencesFollowTheirDatesUnlessSuspendedOrRevoked) {
  v1::ScoreRequest r = testing::MakeRequest();
  const std::int64_t t = kAsOfSeconds;
  // A snapshot taken after as_of says EXPIRED, but at as_of it was still valid.
  Lic(r, "customs_registration", v1::LICENCE_STATUS_EXPIRED, t - 900 * kDay, t + 10 * kDay);
  Lic(r, "export_operator", v1::LICENCE_STATUS_ACTIVE, t - 900 * kDay, t - kDay);
  Lic(r, "food_import", v1::LICENCE_STATUS_EXPIRED, 0, 0);  // no date: expired, date unknown
  Lic(r, "cbec_filing", v1::LICENCE_STATUS_REVOKED, t - 900 * kDay, 0);
  Lic(r, "bonded", v1::LICENCE_STATUS_ACTIVE, t + kDay, 0);
  EXPECT_EQ(Read("enterprise.licences", r), "enterprise.licences = [\"customs_registration\"]");
  EXPECT_EQ(Read("enterprise.expired_licences", r),
            "enterprise.expired_licences = {\"export_operator\": 2026-09-30T00:00:00Z, "
            "\"food_import\": 1970-01-01T00:00:00Z}");
  EXPECT_EQ(Read("enterprise.pending_licences", r),
            "enterprise.pending_licences = {\"bonded\": 2026-10-02T00:00:00Z}");
}

TEST(CredentialsTest, OfficialCustomsGradeIsUnboundWhenAbsent) {
  v1::ScoreRequest r = testing::MakeRequest();
  EXPECT_EQ(Read("enterprise.customs_grade", r), "enterprise.customs_grade = unset");
  r.mutable_enterprise()->mutable_customs_grade()->set_grade("certified");
  *r.mutable_enterprise()->mutable_customs_grade()->mutable_effective_at() = Ts(kAsOfSeconds);
  EXPECT_EQ(Read("enterprise.customs_grade", r), "enterprise.customs_grade = \"certified\"");
  EXPECT_EQ(Read("enterprise.customs_grade_effective_at", r),
            "enterprise.customs_grade_effective_at = 2026-10-01T00:00:00Z");
}

TEST(CredentialsTest, IngestRejectsInvertedDatesAndHalfAGrade) {
  const auto fx = io::FxTable::Build("CNY", {}, "fx_rates");
  ASSERT_TRUE(fx.ok());
  auto ingest = [&](const v1::ScoreRequest& r) { return io::Ingest(r, *fx, RequestLimits{}); };
  v1::ScoreRequest r = testing::MakeRequest();
  Cert(r, "advanced", kAsOfSeconds, kAsOfSeconds);
  auto bad = ingest(r);
  EXPECT_THAT(bad.status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("valid_from")));
  EXPECT_EQ(bad.status().location()->field_path, "enterprise.certifications[0].valid_until");
  // A licence granted after it expired is accepted, and never valid.
  r = testing::MakeRequest();
  Lic(r, "x", v1::LICENCE_STATUS_ACTIVE, kAsOfSeconds - kDay, kAsOfSeconds - 2 * kDay);
  EXPECT_TRUE(ingest(r).ok());
  EXPECT_EQ(Read("enterprise.licences", r), "enterprise.licences = []");
  EXPECT_EQ(Read("enterprise.expired_licences", r),
            "enterprise.expired_licences = {\"x\": 2026-09-29T00:00:00Z}");
  r = testing::MakeRequest();
  *Lic(r, "x", v1::LICENCE_STATUS_ACTIVE, 0, 0)->mutable_granted_at() = Ts(-(1LL << 62));
  EXPECT_EQ(ingest(r).status().location()->field_path, "enterprise.licences[0].granted_at");
  r = testing::MakeRequest();
  *Cert(r, "advanced", 0, 0)->mutable_valid_until() = Ts(1LL << 62);
  EXPECT_THAT(ingest(r).status(),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("out of the supported range")));
  r = testing::MakeRequest();
  r.mutable_enterprise()->mutable_customs_grade()->set_grade("regular");
  EXPECT_EQ(ingest(r).status().location()->field_path, "enterprise.customs_grade.effective_at");
  r = testing::MakeRequest();
  *r.mutable_enterprise()->mutable_customs_grade()->mutable_effective_at() = Ts(kAsOfSeconds);
  EXPECT_EQ(ingest(r).status().location()->field_path, "enterprise.customs_grade.grade");
  r.mutable_enterprise()->mutable_customs_grade()->set_grade("regular");
  EXPECT_TRUE(ingest(r).ok());
}

TEST(CredentialsTest, ValidityFunctions) {
  v1::Certification c;
  *c.mutable_valid_until() = Ts(100);
  EXPECT_EQ(io::CertificationValidity(c, Ts(99, 999999999)), io::Validity::kValid);
  EXPECT_EQ(io::CertificationValidity(c, Ts(100)), io::Validity::kExpired);
  v1::Licence l;
  l.set_status(v1::LICENCE_STATUS_SUSPENDED);
  EXPECT_EQ(io::LicenceValidity(l, Ts(0)), io::Validity::kInactive);
  l.set_status(v1::LICENCE_STATUS_UNSPECIFIED);
  EXPECT_EQ(io::LicenceValidity(l, Ts(0)), io::Validity::kInactive);
}

}  // namespace
}  // namespace credence::rules
