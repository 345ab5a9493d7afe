// tests/common/gnu_as.cc - see gnu_as.h.
#include "tests/common/gnu_as.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace vzsim_test {

static const char *kAs = "mipsisa64r6el-linux-gnuabi64-as";
static const char *kObjcopy = "mipsisa64r6el-linux-gnuabi64-objcopy";
static const char *kLd = "mipsisa64r6el-linux-gnuabi64-ld";
static const char *kNm = "mipsisa64r6el-linux-gnuabi64-nm";

bool have_cross_binutils()
{
    std::string cmd = std::string("command -v ") + kAs + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

static std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<uint32_t> assemble(const std::string &src, uint64_t at)
{
    char dir[] = "/tmp/vzsim-as-XXXXXX";
    if (!mkdtemp(dir)) {
        ADD_FAILURE() << "mkdtemp failed";
        return {};
    }
    std::string d(dir);
    {
        std::ofstream s(d + "/t.s");
        s << "\t.set noreorder\n\t.set virt\n\t.text\n\t.globl __vz_start\n__vz_start:\n"
          << src << "\n\t.globl __vz_end\n__vz_end:\n";
    }
    char addr[32];
    snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)at);
    std::string cmd = std::string(kAs) + " -mips64r6 -mabi=64 -EL -mvirt -o " + d + "/t.o " +
                      d + "/t.s > " + d + "/log 2>&1 && " + kLd + " -EL -e __vz_start -Ttext=" +
                      addr + " -o " + d + "/t.elf " + d + "/t.o >> " + d + "/log 2>&1 && " +
                      kObjcopy + " -O binary -j .text " + d + "/t.elf " + d + "/t.bin >> " +
                      d + "/log 2>&1 && " + kNm + " " + d + "/t.elf > " + d + "/syms 2>> " + d +
                      "/log";
    int rc = std::system(cmd.c_str());
    std::vector<uint32_t> words;
    if (rc != 0) {
        ADD_FAILURE() << "GNU as failed on:\n" << src << "\n" << slurp(d + "/log");
    } else {
        std::string bin = slurp(d + "/t.bin");
        // exact length from the start/end symbols (objcopy keeps section padding)
        unsigned long long s0 = 0, s1 = 0;
        std::istringstream syms(slurp(d + "/syms"));
        std::string line;
        while (std::getline(syms, line)) {
            unsigned long long v = std::strtoull(line.c_str(), nullptr, 16);
            if (line.find(" __vz_start") != std::string::npos) s0 = v;
            if (line.find(" __vz_end") != std::string::npos) s1 = v;
        }
        if (s1 >= s0 && s1 - s0 <= bin.size())
            bin.resize(s1 - s0);
        for (size_t i = 0; i + 4 <= bin.size(); i += 4)
            words.push_back((uint32_t)(uint8_t)bin[i] | (uint32_t)(uint8_t)bin[i + 1] << 8 |
                            (uint32_t)(uint8_t)bin[i + 2] << 16 |
                            (uint32_t)(uint8_t)bin[i + 3] << 24);
    }
    std::system(("rm -rf " + d).c_str());
    return words;
}

}  // namespace vzsim_test
