// Tutorial 1, "remote calls": build a matrix of ones on worker 2 and fetch it.
//   r = remotecall(ones, 2, 2, 2); fetch(r)
#include <dc/dc.hpp>

#include <iostream>

std::vector<double> ones(int rows, int cols) {
    return std::vector<double>(rows * cols, 1.0);
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const int worker = dc::workers().front();
    auto r = dc::remotecall(ones, worker, 2, 2); // returns at once: a future
    std::cout << "future lives on process " << r.where() << std::endl;
    const auto& m = r.fetch(); // brings the 2x2 matrix here
    double sum = 0;
    for (double x : m)
        sum += x;
    std::cout << "sum of the remote ones: " << sum << std::endl;
    // The same in one round trip, and with a lambda defined right here.
    auto twice = dc::remotecall_fetch(
        [](const std::vector<double>& v) {
            std::vector<double> out(v);
            for (auto& x : out)
                x *= 2;
            return out;
        },
        worker, m);
    std::cout << "first element doubled remotely: " << twice[0] << std::endl;
}
