#pragma once

#include <dc/managers/cluster_manager.hpp>

#include <memory>

namespace dc::launcher {
class output_relay;
}

namespace dc::managers {

/// Workers as child processes of the master on this host.
class local_manager final : public cluster_manager {
public:
    local_manager();
    ~local_manager() override;
    std::string name() const override { return "local"; }
    std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) override;

private:
    std::unique_ptr<launcher::output_relay> relay_;
};

} // namespace dc::managers
