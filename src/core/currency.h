// ISO 4217 currency codes and their minor-unit exponents.
#ifndef CREDENCE_CORE_CURRENCY_H_
#define CREDENCE_CORE_CURRENCY_H_

#include <optional>
#include <string_view>

namespace credence::core {

// The number of minor-unit digits of an active ISO 4217 currency (2 for USD, 0 for JPY, 3 for
// KWD), or nullopt when `code` is not a known active code. Codes are upper case.
// Funds and precious-metal codes without a minor unit (XAU, XDR, ...) are not accepted: they
// are not money a trade is settled in.
std::optional<int> CurrencyExponent(std::string_view code) noexcept;

}  // namespace credence::core

#endif  // CREDENCE_CORE_CURRENCY_H_
