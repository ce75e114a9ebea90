// srun's verbose output as the slurm manager reads it, against a golden transcript: the text
// (tests/golden/srun_verbose.txt) is what the test bed's srun printed for a step of three tasks
// on two nodes (one exiting 3) and one killed by SIGKILL; the reading of each line is pinned in
// srun_verbose.parsed.

#include "slurm/srun_output.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using dc::managers::srun_line;

std::string render(const srun_line& l) {
    std::ostringstream out;
    const auto tasks = [&] {
        std::string t;
        for (int x : l.tasks)
            t += (t.empty() ? "" : ",") + std::to_string(x);
        return t;
    };
    switch (l.type) {
    case srun_line::kind::task_output:
        out << "task " << l.task << " says: " << l.text;
        break;
    case srun_line::kind::job_allocated:
        out << "job " << l.job_id << " allocated";
        break;
    case srun_line::kind::job_queued:
        out << "job " << l.job_id << " queued";
        break;
    case srun_line::kind::job_granted:
        out << "job " << l.job_id << " granted";
        break;
    case srun_line::kind::tasks_placed:
        out << "job " << l.job_id << " tasks " << tasks() << " on " << l.node;
        break;
    case srun_line::kind::tasks_ended:
        out << "tasks " << tasks() << " on " << l.node << " ended " << l.status;
        break;
    case srun_line::kind::message:
        out << "message";
        break;
    }
    if (l.is_error) out << " (error)";
    return out.str();
}

} // namespace

TEST(srun_output, a_real_transcript_reads_as_pinned) {
    std::ifstream in(std::string(GOLDEN_DIR) + "/srun_verbose.txt");
    ASSERT_TRUE(in) << "missing golden transcript";
    dc::managers::srun_output_parser parser;
    std::string rendered;
    for (std::string line; std::getline(in, line);)
        rendered += render(parser.parse(line)) + "\n";
    std::ifstream expected_in(std::string(GOLDEN_DIR) + "/srun_verbose.parsed");
    std::stringstream expected;
    expected << expected_in.rdbuf();
    EXPECT_EQ(rendered, expected.str());
}
