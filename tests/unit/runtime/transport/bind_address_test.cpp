#include "transport/bind_address.hpp"

#include <dc/errors.hpp>

#include <gtest/gtest.h>

using dc::detail::resolve_bind_address;

TEST(bind_address, default_is_loopback) {
    EXPECT_EQ(resolve_bind_address(""), "127.0.0.1");
}

TEST(bind_address, literals_interfaces_and_blocks) {
    EXPECT_EQ(resolve_bind_address("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(resolve_bind_address("::1"), "::1");
    EXPECT_EQ(resolve_bind_address("lo"), "127.0.0.1");
    EXPECT_EQ(resolve_bind_address("127.0.0.0/8"), "127.0.0.1");
}

TEST(bind_address, unknown_names_list_what_this_host_has) {
    try {
        resolve_bind_address("nosuchif0");
        FAIL();
    } catch (const dc::config_error& e) {
        EXPECT_NE(std::string(e.what()).find("lo 127.0.0.1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(resolve_bind_address("0.0.0.0/32"),
                 dc::config_error); // never an interface address
}
