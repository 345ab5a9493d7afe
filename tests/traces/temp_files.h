// tests/traces/temp_files.h - temporary files of the trace tests: named after the
// test process (ctest runs the tests in parallel processes) and removed, with a
// SQLite -journal next to them, when the test program ends (unless
// VZSIM_KEEP_TEST_FILES is set, to look at them).
#ifndef VZSIM_TESTS_TRACES_TEMP_FILES_H
#define VZSIM_TESTS_TRACES_TEMP_FILES_H

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

inline std::vector<std::string> &TempFileList()
{
    static std::vector<std::string> files;
    return files;
}

class TempFiles : public ::testing::Environment {
public:
    void TearDown() override
    {
        if (getenv("VZSIM_KEEP_TEST_FILES"))
            return;
        for (const std::string &p : TempFileList()) {
            unlink(p.c_str());
            unlink((p + "-journal").c_str());
        }
    }
};
inline ::testing::Environment *const temp_files_env =
    ::testing::AddGlobalTestEnvironment(new TempFiles);

// $TMPDIR (or /tmp) / vzsim_traces_<pid>_<name>, removed at the end.
inline std::string TempPath(const std::string &name)
{
    const char *tmp = getenv("TMPDIR");
    std::string p = std::string(tmp ? tmp : "/tmp") + "/vzsim_traces_" +
                    std::to_string(getpid()) + "_" + name;
    TempFileList().push_back(p);
    return p;
}

#endif
