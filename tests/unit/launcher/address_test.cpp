// Addresses as they travel in messages and in DC_MASTER.

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>

#include <gtest/gtest.h>

using dc::launcher::address;

TEST(address, each_form_reads_back_to_the_same_text) {
    for (const std::string text :
         {"unix:@dcrun-0f1e", "tcp:10.1.2.3:4000", "tcp:[::1]:5", "tcp:node7.cluster:22"}) {
        EXPECT_EQ(address::parse(text).text(), text);
    }
    const auto v6 = address::parse("tcp:[fe80::1]:9");
    EXPECT_EQ(v6.host, "fe80::1");
    EXPECT_EQ(v6.port, "9");
    EXPECT_FALSE(v6.same_host_only());
    const auto local = address::parse("unix:@x");
    EXPECT_TRUE(local.same_host_only());
    EXPECT_EQ(local.name, "x");
    EXPECT_EQ(address::tcp("::1", 80).text(), "tcp:[::1]:80");
}

TEST(address, a_malformed_one_is_named_with_the_forms) {
    for (const std::string text :
         {"", "udp:1.2.3.4:5", "unix:x", "tcp:1.2.3.4", "tcp::5", "tcp:host:"}) {
        try {
            address::parse(text);
            ADD_FAILURE() << text << " was accepted";
        } catch (const dc::error& e) {
            EXPECT_NE(std::string(e.what()).find("malformed address '" + text + "'"),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(address, a_list_travels_as_one_line) {
    const auto list = dc::launcher::split_addresses("unix:@a;tcp:[::1]:7;tcp:10.0.0.1:8");
    ASSERT_EQ(list.size(), 3U);
    EXPECT_EQ(dc::launcher::join_addresses(list), "unix:@a;tcp:[::1]:7;tcp:10.0.0.1:8");
    EXPECT_TRUE(dc::launcher::split_addresses("").empty());
}
