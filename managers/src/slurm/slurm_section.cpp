// The slurm section of a cluster file.

#include <dc/managers/slurm_manager.hpp>

namespace dc::managers {

void read_slurm_section(const config_reader& r, const config_node& n, slurm_settings& s) {
    r.each(n, "slurm",
           {"partition", "time", "account", "nodes", "ntasks_per_node", "cpus_per_task", "extra",
            "mode"},
           [&](const std::string& key, const config_node& v) {
               if (key == "partition")
                   s.partition = r.text(v, key);
               else if (key == "time")
                   s.time = r.text(v, key);
               else if (key == "account")
                   s.account = r.text(v, key);
               else if (key == "nodes")
                   s.nodes = r.whole(v, key, 1);
               else if (key == "ntasks_per_node")
                   s.ntasks_per_node = r.whole(v, key, 1);
               else if (key == "cpus_per_task")
                   s.cpus_per_task = r.whole(v, key, 1);
               else if (key == "mode")
                   s.mode = r.choice(v, key, {"step", "array"});
               else
                   s.extra = r.words(v, key);
           });
}

} // namespace dc::managers
