#include <dc/managers/registry.hpp>

#include <dc/errors.hpp>

namespace dc::managers {
namespace {

template <class Manager, class Settings, Settings (*decode)(const std::string&)>
std::unique_ptr<cluster_manager> make(const std::string& encoded) {
    return std::make_unique<Manager>(decode(encoded));
}

std::vector<manager_entry> entries() {
    return {
        {"local", "", false, [](const manager_settings&) { return std::string(); }, nullptr,
         nullptr},
        {"ssh", "ssh", false, [](const manager_settings& s) { return encode_ssh_settings(s.ssh); },
         make<ssh_manager, ssh_settings, decode_ssh_settings>,
         [](const config_reader& r, const config_node& n, manager_settings& s) {
             read_ssh_section(r, n, s.ssh);
         }},
        {"slurm", "slurm", true,
         [](const manager_settings& s) { return encode_slurm_settings(s.slurm); },
         make<slurm_manager, slurm_settings, decode_slurm_settings>,
         [](const config_reader& r, const config_node& n, manager_settings& s) {
             read_slurm_section(r, n, s.slurm);
         }},
        {"pbs", "pbs", true, [](const manager_settings& s) { return encode_pbs_settings(s.pbs); },
         make<pbs_manager, pbs_settings, decode_pbs_settings>,
         [](const config_reader& r, const config_node& n, manager_settings& s) {
             read_pbs_section(r, n, s.pbs);
         }},
    };
}

} // namespace

const std::vector<manager_entry>& manager_registry() {
    static const std::vector<manager_entry> registry = entries();
    return registry;
}

const manager_entry& find_manager(std::string_view name) {
    for (const auto& entry : manager_registry()) {
        if (entry.name == name) return entry;
    }
    std::string known;
    for (const auto& n : manager_names())
        known += (known.empty() ? "" : ", ") + n;
    throw config_error("there is no manager '" + std::string(name) + "'; the managers are " +
                       known);
}

std::vector<std::string> manager_names() {
    std::vector<std::string> names;
    for (const auto& entry : manager_registry())
        names.emplace_back(entry.name);
    return names;
}

} // namespace dc::managers
