#include "args.h"

namespace credence::cli {

Args::Args(int argc, char** argv, std::set<std::string> valued, std::set<std::string> switches) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (valued.count(name)) {
      if (!has_value) {
        if (i + 1 >= argc) {
          error_ = "--" + name + " needs a value";
          return;
        }
        value = argv[++i];
      }
      values_[name] = value;
      all_[name].push_back(value);
    } else if (switches.count(name)) {
      if (has_value) {
        error_ = "--" + name + " takes no value";
        return;
      }
      values_[name] = "1";
    } else {
      error_ = "unknown option --" + name;
      return;
    }
  }
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  auto it = all_.find(flag);
  return it == all_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::Get(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

}  // namespace credence::cli
