// Tutorial 2: map(svdvals, distribute(M)) with DistributedArrays.
#include <dc/dc.hpp>

#include "eigen_cereal.hpp"
#include "timing.hpp"

#include <iostream>

int main(int argc, char** argv) {
    dc::init(argc, argv);
    std::vector<Eigen::MatrixXd> m;
    for (int i = 0; i < 10; ++i)
        m.push_back(Eigen::MatrixXd::Random(200, 200));
    auto svdvals = [](const Eigen::MatrixXd& a) -> Eigen::VectorXd {
        return Eigen::BDCSVD<Eigen::MatrixXd>(a).singularValues();
    };
    std::vector<Eigen::VectorXd> serial;
    const double ts = seconds([&] {
        for (const auto& a : m)
            serial.push_back(svdvals(a));
    });
    auto d = dc::distribute(m); // the matrices now live on the workers
    std::vector<Eigen::VectorXd> parallel;
    const double tp = seconds([&] { parallel = d.map(svdvals).gather(); });
    std::cout << "serial:   10 SVDs in " << ts << " s\n"
              << "parallel: map over a darray on processes";
    for (int p : d.procs())
        std::cout << ' ' << p;
    std::cout << " in " << tp << " s\n"
              << "first largest singular value " << parallel[0][0] << " (serial " << serial[0][0]
              << ")" << std::endl;
}
