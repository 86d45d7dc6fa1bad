// SameEnterprise against its definition: equal deterministic encodings. The enterprises are
// generated through the descriptors (every field of Enterprise and of the messages it holds,
// maps, repeated fields and oneofs included, from small value domains so that equal and
// nearly equal pairs are frequent): a field added to the schema is generated too, and the
// test fails until SameEnterprise compares it. Fixed seed.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/same_enterprise.h"
#include "io/proto_bytes.h"

namespace credence::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

void Fill(Message& m, std::mt19937_64& rng, int depth);

// Sets (or, repeated, adds) a value of field `f` from a small domain.
void SetValue(Message& m, const FieldDescriptor* f, std::mt19937_64& rng, int depth) {
  const auto* r = m.GetReflection();
  const bool add = f->is_repeated();
  const int pick = static_cast<int>(rng() % 3);
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string v = pick == 0 ? "" : pick == 1 ? "a" : "b";
      add ? r->AddString(&m, f, v) : r->SetString(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT32:
      add ? r->AddInt32(&m, f, pick) : r->SetInt32(&m, f, pick);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      add ? r->AddInt64(&m, f, pick) : r->SetInt64(&m, f, pick);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      add ? r->AddUInt32(&m, f, pick) : r->SetUInt32(&m, f, pick);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      add ? r->AddUInt64(&m, f, pick) : r->SetUInt64(&m, f, pick);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = pick == 0 ? 0.0 : pick == 1 ? -0.0 : 1.5;  // 0 and -0: other bits
      add ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
      add ? r->AddFloat(&m, f, static_cast<float>(pick))
          : r->SetFloat(&m, f, static_cast<float>(pick));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      add ? r->AddBool(&m, f, pick == 1) : r->SetBool(&m, f, pick == 1);
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type()->value(pick % f->enum_type()->value_count());
      add ? r->AddEnum(&m, f, e) : r->SetEnum(&m, f, e);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      Fill(add ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), rng, depth + 1);
      break;
  }
}

// Adds up to two map entries with distinct keys.
void FillMap(Message& m, const FieldDescriptor* f, std::mt19937_64& rng, int depth) {
  const int n = static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) {
    Message* entry = m.GetReflection()->AddMessage(&m, f);
    const FieldDescriptor* key = entry->GetDescriptor()->map_key();
    entry->GetReflection()->SetString(entry, key, i == 0 ? "k1" : "k2");
    SetValue(*entry, entry->GetDescriptor()->map_value(), rng, depth + 1);
  }
}

// Each field set or not at random; repeated fields get 0 to 2 elements.
void Fill(Message& m, std::mt19937_64& rng, int depth) {
  const auto* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (depth > 4 || rng() % 2 == 0) continue;
    if (f->is_map()) {
      FillMap(m, f, rng, depth);
    } else if (f->is_repeated()) {
      const int n = static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k) SetValue(m, f, rng, depth);
    } else {
      SetValue(m, f, rng, depth);
    }
  }
}

// `e` with one field (at any depth) cleared or given another value from its domain.
void Mutate(Message& m, std::mt19937_64& rng, int depth) {
  const auto* d = m.GetDescriptor();
  const FieldDescriptor* f = d->field(static_cast<int>(rng() % d->field_count()));
  const auto* r = m.GetReflection();
  const bool nested = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map();
  if (nested && !f->is_repeated() && r->HasField(m, f) && rng() % 2 == 0) {
    Mutate(*r->MutableMessage(&m, f), rng, depth + 1);
  } else if (nested && f->is_repeated() && r->FieldSize(m, f) > 0 && rng() % 2 == 0) {
    const int i = static_cast<int>(rng() % static_cast<std::uint64_t>(r->FieldSize(m, f)));
    Mutate(*r->MutableRepeatedMessage(&m, f, i), rng, depth + 1);
  } else if (f->is_map() && r->FieldSize(m, f) > 0 && rng() % 2 == 0) {
    const int i = static_cast<int>(rng() % static_cast<std::uint64_t>(r->FieldSize(m, f)));
    Message* entry = r->MutableRepeatedMessage(&m, f, i);
    const FieldDescriptor* value = entry->GetDescriptor()->map_value();
    if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Mutate(*entry->GetReflection()->MutableMessage(entry, value), rng, depth + 1);
    } else {
      SetValue(*entry, value, rng, depth + 1);
    }
  } else if (rng() % 3 == 0) {
    r->ClearField(&m, f);
  } else if (f->is_map()) {
    r->ClearField(&m, f);
    FillMap(m, f, rng, depth);
  } else if (f->is_repeated()) {
    SetValue(m, f, rng, depth);
  } else {
    SetValue(m, f, rng, depth);
  }
}

TEST(SameEnterpriseTest, IsEqualityOfTheDeterministicEncoding) {
  std::mt19937_64 rng(20261203);
  int same = 0, different = 0;
  for (int round = 0; round < 20000; ++round) {
    v1::Enterprise a;
    Fill(a, rng, 0);
    v1::Enterprise b = a;
    const int mutations = static_cast<int>(rng() % 3);
    for (int k = 0; k < mutations; ++k) Mutate(b, rng, 0);
    const bool expected = io::DeterministicBytes(a) == io::DeterministicBytes(b);
    ASSERT_EQ(SameEnterprise(a, b), expected) << a.DebugString() << "\nvs\n" << b.DebugString();
    ASSERT_EQ(SameEnterprise(b, a), expected);
    (expected ? same : different) += 1;
  }
  // Both answers are exercised many times.
  EXPECT_GT(same, 5000);
  EXPECT_GT(different, 5000);
}

TEST(SameEnterpriseTest, DoublesCompareBitForBit) {
  v1::Enterprise a;
  (*a.mutable_attributes())["k"].set_double_value(0.0);
  v1::Enterprise b;
  (*b.mutable_attributes())["k"].set_double_value(-0.0);
  ASSERT_NE(io::DeterministicBytes(a), io::DeterministicBytes(b));
  EXPECT_FALSE(SameEnterprise(a, b));
  EXPECT_TRUE(SameEnterprise(a, v1::Enterprise(a)));
}

TEST(SameEnterpriseTest, UnknownFieldsCountAsTheirEncodingDoes) {
  v1::Enterprise a;
  a.set_id("e");
  v1::Enterprise b = a;
  b.GetReflection()->MutableUnknownFields(&b)->AddVarint(999, 1);
  EXPECT_FALSE(SameEnterprise(a, b));
  v1::Enterprise c = b;
  EXPECT_TRUE(SameEnterprise(b, c));
  v1::Licence* licence = c.add_licences();
  licence->GetReflection()->MutableUnknownFields(licence)->AddVarint(999, 1);
  v1::Enterprise d = b;
  d.add_licences();
  EXPECT_EQ(SameEnterprise(c, d), io::DeterministicBytes(c) == io::DeterministicBytes(d));
  EXPECT_FALSE(SameEnterprise(c, d));
}

}  // namespace
}  // namespace credence::internal
