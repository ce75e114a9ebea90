// The ssh manager's settings: how they are written for the master (one line of JSON) and read
// back. Part of dc_managers: dcrun and the master need them without loading libssh.

#include <dc/managers/ssh_manager.hpp>

#include "common/json_settings.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

namespace dc::managers {

template <class Archive> void serialize(Archive& a, ssh_host& h) {
    a(cereal::make_nvp("host", h.host), cereal::make_nvp("user", h.user),
      cereal::make_nvp("port", h.port), cereal::make_nvp("count", h.count),
      cereal::make_nvp("auto_count", h.auto_count), cereal::make_nvp("dir", h.dir),
      cereal::make_nvp("exename", h.exename), cereal::make_nvp("bind_addr", h.bind_addr));
}

template <class Archive> void serialize(Archive& a, ssh_settings& s) {
    a(cereal::make_nvp("hosts", s.hosts), cereal::make_nvp("identity", s.identity),
      cereal::make_nvp("known_hosts", s.known_hosts),
      cereal::make_nvp("host_key_check", s.host_key_check), cereal::make_nvp("tunnel", s.tunnel),
      cereal::make_nvp("max_parallel", s.max_parallel));
}

std::string ssh_host::display() const {
    return (user.empty() ? "" : user + "@") + host + ":" + std::to_string(port);
}

std::string encode_ssh_settings(const ssh_settings& s) {
    return settings_to_json("ssh", s);
}

ssh_settings decode_ssh_settings(const std::string& text) {
    return settings_from_json<ssh_settings>("ssh", text);
}

} // namespace dc::managers
