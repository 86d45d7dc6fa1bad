#include "command_line.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include "printable.h"

namespace credence::cli {
namespace po = boost::program_options;
namespace {

// Long options only (--name VALUE or --name=VALUE), no abbreviations: "--bund" is not
// "--bundle". A value may start with '-' ("--l2 -1", "--in -").
constexpr int kStyle =
    po::command_line_style::allow_long | po::command_line_style::long_allow_next |
    po::command_line_style::long_allow_adjacent | po::command_line_style::allow_short |
    po::command_line_style::short_allow_next | po::command_line_style::allow_dash_for_short;

// The hidden option that collects positional arguments.
constexpr const char* kPositional = "credence-positional-argument";
// Usage text width and the narrowest description column.
constexpr unsigned kLineLength = 96;
constexpr unsigned kMinDescription = 48;

// `text` wrapped at spaces into lines of at most `width` characters.
std::string Wrap(const std::string& text, std::size_t width) {
  std::istringstream words(text);
  std::string out, line;
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line + "\n";
}

// `text` without the spaces Boost leaves at the end of wrapped lines.
std::string TrimLineEnds(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string ShortNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string RangeText(const NumberRange& r) {
  return std::string(r.low_open || std::isinf(r.low) ? "(" : "[") + ShortNumber(r.low) + ", " +
         ShortNumber(r.high) + (r.high_open || std::isinf(r.high) ? ")" : "]");
}

std::optional<double> ParseFiniteNumber(std::string_view text, bool* out_of_range) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = !text.empty() && end == text.data() + text.size();
  if (out_of_range != nullptr) *out_of_range = whole && ec == std::errc::result_out_of_range;
  if (!whole || ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  return value;
}

struct CommandLine::Impl {
  struct Option {
    std::string name;
    bool* flag = nullptr;  // set for a Flag
    std::function<std::string(const std::string&)> assign;
    bool required = false;
  };
  std::string command, synopsis, description, epilog;
  std::vector<std::unique_ptr<po::options_description>> groups;  // captions are printed
  std::vector<std::string> captions;                             // by Usage(), wrapped
  std::vector<Option> options;
  std::set<std::string> given;
  bool takes_positionals = false;
  std::string positional_name;
  std::size_t min_positionals = 0, max_positionals = 0;
  std::vector<std::string>* positionals = nullptr;

  po::options_description& current() {
    if (groups.empty()) Add("Options");
    return *groups.back();
  }
  void Add(const std::string& caption) {
    groups.push_back(std::make_unique<po::options_description>(kLineLength, kMinDescription));
    captions.push_back(caption);
  }
  Option* Find(const std::string& name) {
    for (Option& o : options) {
      if (o.name == name) return &o;
    }
    return nullptr;
  }
  // Stores one parsed option; a message when its value is invalid.
  std::string Store(const po::option& o) {
    Option* option = Find(o.string_key);
    if (option == nullptr) return "unknown option --" + o.string_key;
    given.insert(option->name);
    if (option->flag != nullptr) {
      *option->flag = true;
      return "";
    }
    return option->assign(o.value.empty() ? std::string() : o.value.front());
  }
  std::string CheckPositionals(const std::vector<std::string>& values) const {
    if (!takes_positionals && !values.empty()) return "unexpected argument '" + values[0] + "'";
    if (values.size() > max_positionals) {
      return "unexpected argument '" + values[max_positionals] + "'";
    }
    if (values.size() < min_positionals) {
      return (min_positionals == max_positionals && min_positionals == 1
                  ? "one " + positional_name
                  : "at least " + std::to_string(min_positionals) + " " + positional_name) +
             " is required";
    }
    return "";
  }
};

CommandLine::CommandLine(std::string command, std::string synopsis, std::string description)
    : impl_(std::make_unique<Impl>()) {
  impl_->command = std::move(command);
  impl_->synopsis = std::move(synopsis);
  impl_->description = std::move(description);
}

CommandLine::~CommandLine() = default;

CommandLine& CommandLine::Group(const std::string& caption) {
  impl_->Add(caption);
  return *this;
}

CommandLine& CommandLine::Epilog(std::string text) {
  impl_->epilog = std::move(text);
  return *this;
}

CommandLine& CommandLine::Flag(const std::string& name, const std::string& help, bool* out) {
  impl_->current().add_options()(name.c_str(), po::bool_switch(), help.c_str());
  impl_->options.push_back({name, out, nullptr, false});
  return *this;
}

CommandLine& CommandLine::Valued(const std::string& name, const std::string& value_name,
                                 const std::string& help,
                                 std::function<std::string(const std::string&)> assign) {
  impl_->current().add_options()(name.c_str(), po::value<std::string>()->value_name(value_name),
                                 help.c_str());
  impl_->options.push_back({name, nullptr, std::move(assign), false});
  return *this;
}

CommandLine& CommandLine::Text(const std::string& name, const std::string& value_name,
                               const std::string& help, std::string* out) {
  return Valued(name, value_name, help, [out](const std::string& v) {
    *out = v;
    return std::string();
  });
}

CommandLine& CommandLine::TextList(const std::string& name, const std::string& value_name,
                                   const std::string& help, std::vector<std::string>* out) {
  return Valued(name, value_name, help, [out](const std::string& v) {
    out->push_back(v);
    return std::string();
  });
}

CommandLine& CommandLine::Choice(const std::string& name, const std::string& value_name,
                                 const std::string& help, std::vector<std::string> allowed,
                                 std::string* out) {
  return Valued(name, value_name, help, [=](const std::string& v) -> std::string {
    for (const std::string& a : allowed) {
      if (v == a) {
        *out = v;
        return "";
      }
    }
    std::string list;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
    }
    return "--" + name + " must be " + list + ", not '" + v + "'";
  });
}

CommandLine& CommandLine::Number(const std::string& name, const std::string& value_name,
                                 const std::string& help, NumberRange range, double* out) {
  return Valued(name, value_name, help, [=](const std::string& text) -> std::string {
    bool beyond_double = false;
    const std::optional<double> v = ParseFiniteNumber(text, &beyond_double);
    if (beyond_double) {
      return "--" + name + " is out of range: " + text + " is beyond a double; it must be in " +
             RangeText(range);
    }
    if (!v) return "--" + name + " takes a number, not '" + text + "'";
    const bool low_ok = range.low_open ? *v > range.low : *v >= range.low;
    const bool high_ok = range.high_open ? *v < range.high : *v <= range.high;
    if (!low_ok || !high_ok)
      return "--" + name + " must be in " + RangeText(range) + ", not " + text;
    *out = *v;
    return "";
  });
}

CommandLine& CommandLine::Bundle(std::string* out) {
  return Text("bundle", "PATH", "bundle file or folder (required)", out).Required();
}

CommandLine& CommandLine::Threads(const std::string& help, int* out) {
  return Integer("threads", "N", help, 0, kMaxThreads, out);
}

CommandLine& CommandLine::Required() {
  if (!impl_->options.empty()) impl_->options.back().required = true;
  return *this;
}

CommandLine& CommandLine::Positionals(const std::string& value_name, std::size_t min,
                                      std::size_t max, std::vector<std::string>* out) {
  impl_->takes_positionals = true;
  impl_->positional_name = value_name;
  impl_->min_positionals = min;
  impl_->max_positionals = max;
  impl_->positionals = out;
  return *this;
}

std::optional<int> CommandLine::Parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help") {
      std::cout << Usage();
      return 0;
    }
  }
  po::options_description all;
  for (const auto& g : impl_->groups) all.add(*g);
  all.add_options()(kPositional, po::value<std::string>(), "");
  po::positional_options_description positional;
  positional.add(kPositional, -1);
  std::vector<std::string> values;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(positional).style(kStyle).run();
    for (const po::option& o : parsed.options) {
      if (o.string_key == kPositional && o.position_key >= 0) {
        values.push_back(o.value.front());
        continue;
      }
      if (std::string error = impl_->Store(o); !error.empty()) return UsageError(error);
    }
  } catch (const po::unknown_option& e) {
    return UsageError("unknown option " + e.get_option_name());
  } catch (const po::error& e) {
    return UsageError(e.what());
  }
  for (const Impl::Option& o : impl_->options) {
    if (o.required && !impl_->given.count(o.name))
      return UsageError("--" + o.name + " is required");
  }
  if (std::string error = impl_->CheckPositionals(values); !error.empty()) return UsageError(error);
  if (impl_->positionals != nullptr) *impl_->positionals = std::move(values);
  return std::nullopt;
}

bool CommandLine::Given(const std::string& name) const { return impl_->given.count(name) > 0; }

int CommandLine::UsageError(const std::string& message) const {
  // The message may quote the command line: printable, as every error (printable.h).
  std::cerr << "credence " << impl_->command << ": " << PrintableMessage(message) << "\n\n"
            << Usage();
  return kExitUsage;
}

std::string CommandLine::Usage() const {
  std::ostringstream out;
  out << "usage: credence " << impl_->synopsis << "\n";
  auto paragraph = [&out](const std::string& text) {
    if (text.empty()) return;
    out << "\n" << text;
    if (text.back() != '\n') out << "\n";
  };
  paragraph(impl_->description);
  for (std::size_t i = 0; i < impl_->groups.size(); ++i) {
    std::ostringstream options;
    options << *impl_->groups[i];
    out << "\n" << Wrap(impl_->captions[i] + ":", kLineLength - 4) << TrimLineEnds(options.str());
  }
  paragraph(impl_->epilog);
  return out.str();
}

}  // namespace credence::cli
