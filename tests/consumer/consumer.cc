// A host application using an installed credence through the C++ API.
//   consumer BUNDLE REQUESTS.jsonl
// Scores the first request of REQUESTS.jsonl and prints the response as one JSON line (the
// same bytes as `credence score`); exits non-zero on any error or an inconsistent response.
#include <fstream>
#include <iostream>
#include <string>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/version.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer BUNDLE REQUESTS.jsonl\n";
    return 2;
  }
  if (credence::Version() != CREDENCE_VERSION_STRING) {
    std::cerr << "header/library version mismatch\n";
    return 1;
  }
  auto loaded = credence::LoadBundle(argv[1]);
  if (!loaded.ok()) {
    std::cerr << loaded.status() << "\n";
    return 1;
  }
  auto engine = credence::Engine::Compile(*loaded);
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }
  std::ifstream in(argv[2]);
  std::string line;
  if (!std::getline(in, line)) {
    std::cerr << "no request in " << argv[2] << "\n";
    return 1;
  }
  auto request = credence::ParseRequest(line, credence::WireFormat::kJson);
  if (!request.ok()) {
    std::cerr << request.status() << "\n";
    return 1;
  }
  auto response = (*engine)->Score(*request);
  if (!response.ok()) {
    std::cerr << response.status() << "\n";
    return 1;
  }
  if (response->audit().bundle_digest() != (*engine)->info().digest ||
      response->decision().outcome() == credence::v1::OUTCOME_UNSPECIFIED) {
    std::cerr << "inconsistent response\n";
    return 1;
  }
  auto json = credence::SerializeResponse(*response, credence::WireFormat::kJson);
  if (!json.ok()) {
    std::cerr << json.status() << "\n";
    return 1;
  }
  std::cout << *json << "\n";
  return 0;
}
