// The pbs section of a cluster file.

#include <dc/managers/pbs_manager.hpp>

namespace dc::managers {

void read_pbs_section(const config_reader& r, const config_node& n, pbs_settings& s) {
    r.each(n, "pbs", {"dialect", "queue", "walltime", "select", "account", "extra"},
           [&](const std::string& key, const config_node& v) {
               if (key == "dialect")
                   s.dialect = r.choice(v, key, {"torque", "pbspro"});
               else if (key == "queue")
                   s.queue = r.text(v, key);
               else if (key == "walltime")
                   s.walltime = r.text(v, key);
               else if (key == "select")
                   s.select = r.text(v, key);
               else if (key == "account")
                   s.account = r.text(v, key);
               else
                   s.extra = r.words(v, key);
           });
}

} // namespace dc::managers
