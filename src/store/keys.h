// The key layout every state store shares: "s" + enterprise id for a state, "d" + varint
// length of the enterprise id + enterprise id + event id for a logged decision. Stateless.
#ifndef CREDENCE_STORE_KEYS_H_
#define CREDENCE_STORE_KEYS_H_

#include <string>
#include <string_view>

namespace credence::store {

inline constexpr char kStatePrefix = 's';
inline constexpr char kDecisionPrefix = 'd';

inline void AppendStateKey(std::string& out, std::string_view enterprise_id) {
  out.push_back(kStatePrefix);
  out += enterprise_id;
}

inline void AppendDecisionKey(std::string& out, std::string_view enterprise_id,
                              std::string_view event_id) {
  out.push_back(kDecisionPrefix);
  for (std::size_t n = enterprise_id.size();; n >>= 7) {
    out.push_back(static_cast<char>(n < 0x80 ? n : ((n & 0x7f) | 0x80)));
    if (n < 0x80) break;
  }
  out += enterprise_id;
  out += event_id;
}

inline std::string StateKey(std::string_view enterprise_id) {
  std::string key;
  AppendStateKey(key, enterprise_id);
  return key;
}

inline std::string DecisionKey(std::string_view enterprise_id, std::string_view event_id) {
  std::string key;
  AppendDecisionKey(key, enterprise_id, event_id);
  return key;
}

}  // namespace credence::store

#endif  // CREDENCE_STORE_KEYS_H_
