// hostile_convert: writes the fixtures of the hostile-input catalogue in the formats Python
// cannot produce without protobuf (tests/hostile/catalogue.py calls it once per run):
//   hostile_convert bundle-json   BUNDLE OUT.json     a bundle in protobuf's JSON mapping
//   hostile_convert bundle-binary BUNDLE OUT.binpb    a bundle in binary
//   hostile_convert requests-pb   IN.jsonl OUT.pb     JSON Lines requests, length-delimited
// Exit status 0, or 1 with the error on stderr.
#include <google/protobuf/util/delimited_message_util.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <string>

#include "credence/bundle.h"
#include "credence/engine.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "hostile_convert: " << message << "\n";
  return 1;
}

int ConvertBundle(const std::string& in, const std::string& out, bool json) {
  auto loaded = credence::LoadBundle(in);
  if (!loaded.ok()) return Fail(loaded.status().ToString());
  std::string bytes;
  if (json) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(loaded->bundle, &bytes, options).ok()) {
      return Fail("cannot print the bundle as JSON");
    }
  } else if (!loaded->bundle.SerializeToString(&bytes)) {
    return Fail("cannot serialize the bundle");
  }
  std::ofstream(out, std::ios::binary) << bytes;
  return 0;
}

int ConvertRequests(const std::string& in, const std::string& out) {
  std::ifstream lines(in);
  std::ofstream file(out, std::ios::binary);
  for (std::string line; std::getline(lines, line);) {
    auto request = credence::ParseRequest(line, credence::WireFormat::kJson);
    if (!request.ok()) return Fail(request.status().ToString());
    if (!google::protobuf::util::SerializeDelimitedToOstream(*request, &file)) {
      return Fail("cannot write " + out);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return Fail("usage: hostile_convert bundle-json|bundle-binary|requests-pb IN OUT");
  const std::string mode = argv[1];
  if (mode == "bundle-json") return ConvertBundle(argv[2], argv[3], true);
  if (mode == "bundle-binary") return ConvertBundle(argv[2], argv[3], false);
  if (mode == "requests-pb") return ConvertRequests(argv[2], argv[3]);
  return Fail("unknown mode " + mode);
}
