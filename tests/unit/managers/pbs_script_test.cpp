// The PBS job scripts and qsub lines, checked against golden files (tests/golden): PBS Pro has
// no server on Debian to run them against, so what it would receive is pinned here.

#include <dc/managers/pbs_manager.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

std::string golden(const std::string& name) {
    std::ifstream in(std::string(GOLDEN_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

dc::managers::pbs_settings settings(const std::string& dialect) {
    dc::managers::pbs_settings s;
    s.dialect = dialect;
    s.queue = "batch";
    s.walltime = "01:00:00";
    s.select = "1:ncpus=4";
    s.account = "project42";
    s.extra = {"-m", "n"};
    return s;
}

dc::launcher::worker_command command() {
    dc::launcher::worker_command c;
    c.exe = "/home/alice/app";
    c.args = {"--size", "it's big"};
    c.dir = "/scratch/alice/run 1";
    c.env = {{"DC_ROLE", "worker"},
             {"DC_MASTER", "tcp:10.1.0.5:40000"},
             {"DC_COOKIE_FILE", "/scratch/alice/run 1/.dcrun/pbs-x/cookie"}};
    return c;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out + "\n";
}

} // namespace

TEST(pbs_script, pbspro_uses_J_select_and_PBS_ARRAY_INDEX) {
    dc::managers::pbs_manager m(settings("pbspro"));
    EXPECT_EQ(m.job_script(5, 4, command(), "/scratch/alice/run 1/.dcrun/pbs-x"),
              golden("pbspro_workers.sh"));
    EXPECT_EQ(joined(m.qsub_command(4, "/scratch/alice/run 1/.dcrun/pbs-x/workers.sh")),
              golden("pbspro_qsub.txt"));
}

TEST(pbs_script, torque_uses_t_nodes_and_PBS_ARRAYID) {
    dc::managers::pbs_manager m(settings("torque"));
    EXPECT_EQ(m.job_script(5, 4, command(), "/scratch/alice/run 1/.dcrun/pbs-x"),
              golden("torque_workers.sh"));
    EXPECT_EQ(joined(m.qsub_command(4, "/scratch/alice/run 1/.dcrun/pbs-x/workers.sh")),
              golden("torque_qsub.txt"));
}

TEST(pbs_script, settings_survive_the_trip_from_dcrun_to_the_master) {
    auto s = settings("pbspro");
    auto back = dc::managers::decode_pbs_settings(dc::managers::encode_pbs_settings(s));
    EXPECT_EQ(back.dialect, "pbspro");
    EXPECT_EQ(back.select, "1:ncpus=4");
    EXPECT_EQ(back.extra, s.extra);
}

TEST(pbs_script, walltimes_are_read_as_seconds) {
    using dc::managers::walltime_seconds;
    EXPECT_EQ(walltime_seconds("01:00:00"), 3600);
    EXPECT_EQ(walltime_seconds("48:30:05"), 48 * 3600 + 30 * 60 + 5);
    EXPECT_EQ(walltime_seconds("10:00"), 600);
    EXPECT_EQ(walltime_seconds("90"), 90);
    for (const char* bad : {"", "1:2:3:4", "1h", "::", "01:-5:00"})
        EXPECT_FALSE(walltime_seconds(bad)) << bad;
}
