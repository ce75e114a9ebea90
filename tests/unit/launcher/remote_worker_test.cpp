// A remote worker's environment: the cookie never stays in it, and the id comes one way.

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/remote_worker.hpp>

#include <gtest/gtest.h>

namespace env = dc::launcher::env;
using dc::launcher::make_remote;
using dc::launcher::remote_worker_env;
using dc::launcher::worker_command;

namespace {

worker_command local_command() {
    worker_command c;
    c.exe = "/app";
    c.env = {{env::cookie, "c00k1e"}, {env::worker_id, "7"}, {env::master, "tcp:10.0.0.1:9"}};
    return c;
}

} // namespace

TEST(remote_worker, the_cookie_goes_to_stdin_and_the_id_is_given) {
    auto c = local_command();
    remote_worker_env how;
    how.id = 3;
    how.bind_to = "10.0.0.5";
    EXPECT_EQ(make_remote(c, how), "c00k1e");
    EXPECT_EQ(c.env.count(env::cookie), 0U);
    EXPECT_EQ(c.env.at(env::cookie_on_stdin), "1");
    EXPECT_EQ(c.env.at(env::worker_id), "3");
    EXPECT_EQ(c.env.at(env::bind_to), "10.0.0.5");
    EXPECT_EQ(c.env.at(env::master), "tcp:10.0.0.1:9");
    EXPECT_EQ(c.env.count(env::id_base), 0U);
}

TEST(remote_worker, a_batch_of_workers_counts_ids_from_a_base_and_reads_a_cookie_file) {
    auto c = local_command();
    remote_worker_env how;
    how.cookie_file = "/shared/.dcrun/x/cookie";
    how.id_base = 5;
    how.id_offset_from = "SLURM_PROCID";
    EXPECT_EQ(make_remote(c, how), "c00k1e");
    EXPECT_EQ(c.env.count(env::cookie), 0U);
    EXPECT_EQ(c.env.count(env::cookie_on_stdin), 0U);
    EXPECT_EQ(c.env.at(env::cookie_file), "/shared/.dcrun/x/cookie");
    EXPECT_EQ(c.env.count(env::worker_id), 0U);
    EXPECT_EQ(c.env.at(env::id_base), "5");
    EXPECT_EQ(c.env.at(env::id_offset_from), "SLURM_PROCID");
    EXPECT_EQ(c.env.at(env::bind_to), "auto");
}

TEST(remote_worker, a_command_without_a_cookie_is_refused) {
    worker_command c;
    EXPECT_THROW(make_remote(c, {}), dc::launch_error);
}
