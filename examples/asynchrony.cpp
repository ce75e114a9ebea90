// Tutorial 1, "asynchrony": remotecall returns at once, fetch waits.
//   r = remotecall(sleep, 2, 1); fetch(r)
#include <dc/dc.hpp>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <thread>

double nap(double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    return seconds;
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    std::cout << std::fixed << std::setprecision(4);
    using clock = std::chrono::steady_clock;
    auto seconds_since = [](clock::time_point t) {
        return std::chrono::duration<double>(clock::now() - t).count();
    };
    auto t0 = clock::now();
    auto r = dc::remotecall(nap, dc::workers().front(), 1.0);
    std::cout << "remotecall returned after " << seconds_since(t0) << " s" << std::endl;
    std::cout << "isready right away: " << std::boolalpha << r.isready() << std::endl;
    r.fetch();
    std::cout << "fetch returned after " << seconds_since(t0) << " s" << std::endl;
    t0 = clock::now();
    dc::remotecall_fetch(nap, dc::workers().front(), 0.5);
    std::cout << "remotecall_fetch blocked for " << seconds_since(t0) << " s" << std::endl;
}
