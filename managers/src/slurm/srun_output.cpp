#include "slurm/srun_output.hpp"

#include <csignal>
#include <cstdlib>
#include <regex>

namespace dc::managers {
namespace {

/// "0", "0-3", "[0-1]", "0,2,5-6" -> task numbers.
std::vector<int> task_list(std::string text) {
    if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
    std::vector<int> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        const auto item = text.substr(start, end - start);
        const auto dash = item.find('-');
        const int first = std::atoi(item.c_str());
        const int last = dash == std::string::npos ? first : std::atoi(item.c_str() + dash + 1);
        for (int t = first; t <= last; ++t)
            out.push_back(t);
        start = end + 1;
    }
    return out;
}

} // namespace

struct srun_output_parser::patterns {
    std::regex exited{R"(Exited with exit code (\d+))"};
    std::regex labelled{R"(^\s*(\d+): ?(.*)$)"};
    std::regex allocated{R"(^jobid (\d+):)"};
    std::regex queued{R"(^job (\d+) queued and waiting)"};
    std::regex granted{R"(^job (\d+) has been allocated)"};
    std::regex placed{R"(launching StepId=(\d+)\.\S+ on host (\S+), \d+ tasks?: (\S+))"};
    std::regex ended{R"((\S+): tasks? ([0-9,\-]+): (.*)$)"};

    /// How srun says a task ended -> exit status.
    int ending_status(const std::string& how) const {
        std::smatch m;
        if (how.rfind("Completed", 0) == 0) return 0;
        if (std::regex_search(how, m, exited)) return std::stoi(m[1]);
        if (how.rfind("Killed", 0) == 0) return 128 + SIGKILL;
        if (how.rfind("Terminated", 0) == 0) return 128 + SIGTERM;
        return 1;
    }
};

srun_output_parser::srun_output_parser() : patterns_(std::make_unique<patterns>()) {}
srun_output_parser::~srun_output_parser() = default;

srun_line srun_output_parser::parse(const std::string& line) const {
    const auto& p = *patterns_;
    srun_line out;
    std::smatch m;
    if (line.rfind("srun: ", 0) != 0) { // a task's output
        out.type = srun_line::kind::task_output;
        out.text = line;
        if (std::regex_match(line, m, p.labelled)) {
            out.task = std::stoi(m[1]);
            out.text = m[2];
        }
        return out;
    }
    out.text = line.substr(6);
    const auto& text = out.text;
    out.is_error = text.rfind("error: ", 0) == 0;
    if (std::regex_search(text, m, p.allocated)) {
        out.type = srun_line::kind::job_allocated;
        out.job_id = m[1];
    } else if (std::regex_search(text, m, p.queued)) {
        out.type = srun_line::kind::job_queued;
        out.job_id = m[1];
    } else if (std::regex_search(text, m, p.granted)) {
        out.type = srun_line::kind::job_granted;
        out.job_id = m[1];
    } else if (std::regex_search(text, m, p.placed)) {
        out.type = srun_line::kind::tasks_placed;
        out.job_id = m[1];
        out.node = m[2];
        out.tasks = task_list(m[3]);
    } else if (std::regex_search(text, m, p.ended)) {
        out.type = srun_line::kind::tasks_ended;
        out.node = m[1];
        out.tasks = task_list(m[2]);
        out.status = p.ending_status(m[3]);
    }
    return out;
}

} // namespace dc::managers
