// The one command-line layer of every `credence` subcommand, over Boost.Program_options.
// Each option is declared once, with its value name, its help text and the variable its value
// goes to; the usage text (`--help`, and after every usage error) is generated from those
// declarations. Values are parsed strictly: a number must be the whole value ("2x" is not 2),
// integers take no fraction or exponent, and every value is checked against its range. A bad
// value, an unknown option, a missing required option or an unexpected argument is a usage
// error: "credence COMMAND: message" (naming the option), a blank line and the usage on
// stderr, exit status 2. Boost's exceptions never leave this layer.
#ifndef CREDENCE_TOOLS_CREDENCE_COMMAND_LINE_H_
#define CREDENCE_TOOLS_CREDENCE_COMMAND_LINE_H_

#include <charconv>
#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credence::cli {

// The exit status of every usage error.
inline constexpr int kExitUsage = 2;

// The largest --threads any command accepts: the engine's own limit (Engine::ScoreBatch clamps
// to it), so that a larger value is a usage error rather than silently reduced.
inline constexpr int kMaxThreads = 256;

// The largest --max-reasons: ScoreOptions::max_reason_codes is at most 64.
inline constexpr int kMaxReasonCodes = 64;

// The allowed values of a Number() option: [low, high], with an open end when `*_open`.
struct NumberRange {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false, high_open = false;
};

// "[0, 256]", "(0, 1]", "[0, +inf)".
std::string RangeText(const NumberRange& range);

// Parses `text` as a whole number of type T (no sign for unsigned types, no spaces, no
// fraction). Nullopt when it is not one or is out of T's range; then *out_of_range (if
// non-null) says whether it was a well-formed integer too large for T.
template <std::integral T>
std::optional<T> ParseInteger(std::string_view text, bool* out_of_range = nullptr) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = !text.empty() && end == text.data() + text.size();
  if (out_of_range != nullptr) *out_of_range = whole && ec == std::errc::result_out_of_range;
  if (!whole || ec != std::errc()) return std::nullopt;
  return value;
}

// Parses `text` as a whole finite decimal number ("1.5", "-2", "1e-3"); nullopt otherwise,
// and then *out_of_range (if non-null) says whether it was a well-formed number beyond the
// range of a double ("1e400", "1e-400").
std::optional<double> ParseFiniteNumber(std::string_view text, bool* out_of_range = nullptr);

// The options, positional arguments and usage text of one subcommand. Declare every option,
// then Parse() once. Thread-compatible; the variables given to the declarations must outlive
// Parse().
class CommandLine {
 public:
  // `command` is the subcommand ("score"); `synopsis` follows "usage: credence " on the first
  // line of the usage; `description` is the prose between it and the options.
  CommandLine(std::string command, std::string synopsis, std::string description);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Starts a new group of options, printed under `caption` ("Scorecard (--scorecard):").
  CommandLine& Group(const std::string& caption);
  // Text printed after the options (notes, exit status).
  CommandLine& Epilog(std::string text);

  // An option without a value; *out becomes true when it is given.
  CommandLine& Flag(const std::string& name, const std::string& help, bool* out);
  // An option with a text value; the last occurrence wins.
  CommandLine& Text(const std::string& name, const std::string& value_name, const std::string& help,
                    std::string* out);
  // An option that may repeat (--bundle A --bundle B): every value, in order.
  CommandLine& TextList(const std::string& name, const std::string& value_name,
                        const std::string& help, std::vector<std::string>* out);
  // An option whose value is one of `allowed`.
  CommandLine& Choice(const std::string& name, const std::string& value_name,
                      const std::string& help, std::vector<std::string> allowed, std::string* out);
  // A finite number in `range`.
  CommandLine& Number(const std::string& name, const std::string& value_name,
                      const std::string& help, NumberRange range, double* out);
  // A whole number in [low, high].
  template <std::integral T>
  CommandLine& Integer(const std::string& name, const std::string& value_name,
                       const std::string& help, T low, T high, T* out) {
    const std::string what = std::is_signed_v<T> ? "an integer" : "an unsigned integer";
    return Valued(name, value_name, help, [=](const std::string& text) -> std::string {
      bool too_large = false;
      const std::optional<T> v = ParseInteger<T>(text, &too_large);
      if (!v && !too_large) return "--" + name + " takes " + what + ", not '" + text + "'";
      if (!v || *v < low || *v > high) {
        return "--" + name + " must be in [" + std::to_string(low) + ", " + std::to_string(high) +
               "], not " + text;
      }
      *out = *v;
      return "";
    });
  }
  // The required --bundle PATH of the commands that score with one bundle.
  CommandLine& Bundle(std::string* out);
  // The --threads option every scoring command shares: 0 (all cores) to kMaxThreads.
  CommandLine& Threads(const std::string& help, int* out);
  // Makes the option declared last required ("--bundle is required").
  CommandLine& Required();
  // Accepts `min` to `max` positional arguments, shown as `value_name` in errors. Without this
  // call, any positional argument is a usage error.
  CommandLine& Positionals(const std::string& value_name, std::size_t min, std::size_t max,
                           std::vector<std::string>* out);

  // Parses argv (argv[0] is the subcommand's name) into the declared variables. Returns
  // nullopt when the command should run; otherwise the exit status, after printing the usage
  // on stdout for --help (0) or a usage error on stderr (2).
  std::optional<int> Parse(int argc, char** argv);
  // True when option `name` was on the command line (after Parse()).
  bool Given(const std::string& name) const;
  // Prints "credence COMMAND: message", a blank line and the usage on stderr; returns 2.
  int UsageError(const std::string& message) const;
  // The generated usage text.
  std::string Usage() const;

 private:
  struct Impl;
  // Declares an option with one value; `assign` stores it, or returns why it is invalid.
  CommandLine& Valued(const std::string& name, const std::string& value_name,
                      const std::string& help,
                      std::function<std::string(const std::string&)> assign);

  std::unique_ptr<Impl> impl_;
};

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_COMMAND_LINE_H_
