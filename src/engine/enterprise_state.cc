// EnterpriseState: the public face of one enterprise's screening state. See
// credence/enterprise_state.h; the engine fills it (screening.cc).
#include "credence/enterprise_state.h"

#include <google/protobuf/arena.h>

#include "engine/screening.h"
#include "io/proto_bytes.h"

namespace credence {

EnterpriseState::EnterpriseState() : impl_(std::make_unique<Impl>()) {}
EnterpriseState::EnterpriseState(EnterpriseState&&) noexcept = default;
EnterpriseState& EnterpriseState::operator=(EnterpriseState&&) noexcept = default;
EnterpriseState::~EnterpriseState() = default;

bool EnterpriseState::empty() const { return !impl_->online || !impl_->online->started(); }
const std::string& EnterpriseState::enterprise_id() const { return impl_->enterprise_id; }
std::size_t EnterpriseState::retained_events() const {
  return impl_->online ? impl_->online->retained_events() : 0;
}
bool EnterpriseState::Contains(std::string_view event_id) const {
  return impl_->online && impl_->online->Contains(event_id);
}
std::vector<std::string> EnterpriseState::TakeReleasedEventIds() {
  return impl_->online ? impl_->online->TakeReleasedIds() : std::vector<std::string>{};
}

namespace {

void Fill(const EnterpriseState::Impl& impl, v1::EnterpriseState& out) {
  out.set_format_version(1);
  out.set_enterprise_id(impl.enterprise_id);
  out.mutable_enterprise()->ParseFromString(impl.enterprise);
  if (impl.online) {
    impl.online->Save(out.mutable_features());
    if (impl.online->started()) *out.mutable_as_of() = io::TimestampOf(impl.online->clock());
  }
  out.set_events_applied(impl.applied);
  out.set_duplicates(impl.duplicates);
  out.set_bundle_name(impl.bundle_name);
  out.set_bundle_digest(impl.bundle_digest);
}

}  // namespace

v1::EnterpriseState EnterpriseState::ToProto() const {
  v1::EnterpriseState out;
  Fill(*impl_, out);
  return out;
}

std::string EnterpriseState::Serialize() const {
  // Built on an arena: a state is tens of thousands of small fields, freed at once.
  google::protobuf::Arena arena;
  auto* message = google::protobuf::Arena::CreateMessage<v1::EnterpriseState>(&arena);
  Fill(*impl_, *message);
  return io::DeterministicBytes(*message);
}

}  // namespace credence
