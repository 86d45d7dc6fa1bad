// Writes the binary and JSON seed corpora of the fuzz targets from the example files of the
// source tree (requests cut to their first 6 events) (run once after the examples change; the
// output is committed):
//   build-fuzz/fuzz/make_fuzz_seeds <source dir>
// request_binary/: examples/requests.jsonl as protobuf binary; bundle_json/ and
// bundle_binary/: the starter and cross-border bundles in JSON and binary; record_stream/: the
// requests as one JSON Lines stream and one length-delimited binary stream.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"

namespace {

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_seeds SOURCE_DIR\n";
    return 2;
  }
  const std::string src = argv[1];
  const std::string corpus = src + "/fuzz/corpus/";
  std::ifstream in(src + "/examples/requests.jsonl");
  std::string jsonl_stream = "\x00", pb_stream = "\x01";
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    auto request = credence::ParseRequest(line, credence::WireFormat::kJson);
    if (!request.ok()) {
      std::cerr << request.status() << "\n";
      return 1;
    }
    // Seeds stay small (the fuzzers run with -max_len=65536): the first 6 events.
    if (request->events_size() > 6) {
      request->mutable_events()->DeleteSubrange(6, request->events_size() - 6);
    }
    const std::string bytes = request->SerializeAsString();
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(*request, &json).ok()) return 1;
    Write(corpus + "request_binary/example" + std::to_string(n) + ".binpb", bytes);
    Write(corpus + "request_json/example" + std::to_string(n) + ".json", json);
    if (n < 3) {
      jsonl_stream += json + "\n";
      pb_stream += Varint(bytes.size()) + bytes;
    }
  }
  Write(corpus + "record_stream/examples.jsonl", jsonl_stream);
  Write(corpus + "record_stream/examples.pb", pb_stream);
  for (const char* name : {"starter", "cross-border"}) {
    auto loaded = credence::LoadBundle(src + "/models/" + name);
    if (!loaded.ok()) {
      std::cerr << loaded.status() << "\n";
      return 1;
    }
    std::string json;
    google::protobuf::util::JsonPrintOptions pretty;
    pretty.add_whitespace = true;
    if (!google::protobuf::util::MessageToJsonString(loaded->bundle, &json, pretty).ok()) return 1;
    Write(corpus + "bundle_json/" + name + ".json", json);
    Write(corpus + "bundle_binary/" + name + ".binpb", loaded->bundle.SerializeAsString());
    std::ifstream text(src + "/models/" + name + "/bundle.textproto");
    std::stringstream buf;
    buf << text.rdbuf();
    Write(corpus + "bundle_text/" + name + ".textproto", buf.str());
  }
  std::cout << "wrote seeds for " << n << " requests and 2 bundles\n";
  return 0;
}
