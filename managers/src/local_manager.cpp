#include <dc/managers/local_manager.hpp>

#include <dc/launcher/output_lines.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/child_process.hpp>
#include <dc/launcher/output_relay.hpp>

#include <boost/asio/ip/host_name.hpp>

namespace dc::managers {
namespace {

class local_worker final : public launched_worker {
public:
    local_worker(int id, const launcher::worker_command& cmd, launcher::output_relay& relay,
                 const std::function<void(int, const std::string&)>& on_output)
        : id_(id), tail_(std::make_shared<launcher::output_tail>()),
          process_(cmd, relay, [id, tail = tail_, on_output](const std::string& line) {
              tail->add(line);
              if (on_output) on_output(id, line);
          }) {}

    int id() const override { return id_; }
    std::string host() const override { return boost::asio::ip::host_name(); }
    std::string describe() const override { return "pid " + std::to_string(process_.pid()); }
    bool running() override { return process_.running(); }
    std::optional<int> exit_status() override { return process_.exit_status(); }
    bool wait_for(std::chrono::milliseconds limit) override { return process_.wait_for(limit); }
    void kill() override { process_.kill(); }
    void drain_output(std::chrono::milliseconds limit) override { process_.drain_output(limit); }
    std::vector<std::string> last_output() const override { return tail_->lines(); }

private:
    int id_;
    std::shared_ptr<launcher::output_tail> tail_;
    launcher::child_process process_;
};

} // namespace

local_manager::local_manager() : relay_(std::make_unique<launcher::output_relay>()) {}
local_manager::~local_manager() = default;

std::vector<std::unique_ptr<launched_worker>> local_manager::launch(const launch_request& request) {
    std::vector<std::unique_ptr<launched_worker>> started;
    for (int i = 0; i < request.count; ++i) {
        const int id = request.first_id + i;
        auto cmd = request.command;
        cmd.env["DC_ID"] = std::to_string(id);
        try {
            started.push_back(std::make_unique<local_worker>(id, cmd, *relay_, request.on_output));
        } catch (const std::exception& e) {
            throw launch_error("local manager: worker " + std::to_string(id) + ": " + e.what());
        }
    }
    return started;
}

} // namespace dc::managers
