// The public ssh manager: a front that loads the module with libssh (libdc_ssh.so, see
// ssh_workers.cpp) when the first one is made, and forwards to the manager it provides.

#include <dc/managers/ssh_manager.hpp>

#include "common/module.hpp"

namespace dc::managers {

struct ssh_manager::state {
    std::unique_ptr<cluster_manager> work;
};

ssh_manager::ssh_manager(const ssh_settings& settings) : state_(std::make_unique<state>()) {
    using factory = cluster_manager* (*)(const ssh_settings*);
    auto make = reinterpret_cast<factory>(module_symbol("ssh", "dc_module_make_ssh"));
    state_->work.reset(make(&settings));
}

ssh_manager::~ssh_manager() = default;

int ssh_manager::planned_workers() {
    state_->work->set_step_log(step_log());
    return state_->work->planned_workers();
}

std::string ssh_manager::master_bind_hint() {
    return state_->work->master_bind_hint();
}

std::vector<std::unique_ptr<launched_worker>> ssh_manager::launch(const launch_request& request) {
    state_->work->set_step_log(step_log());
    return state_->work->launch(request);
}

} // namespace dc::managers
