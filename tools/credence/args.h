// A small command-line parser: --flag, --flag=value, --flag value, positionals.
#ifndef CREDENCE_TOOLS_CREDENCE_ARGS_H_
#define CREDENCE_TOOLS_CREDENCE_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace credence::cli {

class Args {
 public:
  // `valued` lists the flags that take a value; `switches` those that do not. Unknown flags
  // are an error (see error()).
  Args(int argc, char** argv, std::set<std::string> valued, std::set<std::string> switches);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  std::string Get(const std::string& flag, const std::string& fallback = "") const;
  // Every value given for a flag that may repeat (--bundle A --bundle B), in order.
  std::vector<std::string> GetAll(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> all_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_ARGS_H_
