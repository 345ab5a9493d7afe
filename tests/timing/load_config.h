// tests/timing/load_config.h - load configs/NAME over the built-in defaults, failing
// the calling test (not aborting it) when the file does not load.
#ifndef VZSIM_TESTS_TIMING_LOAD_CONFIG_H
#define VZSIM_TESTS_TIMING_LOAD_CONFIG_H

#include <gtest/gtest.h>

#include <string>

#include "sim/timing/timing.h"

inline vz_timing_config load_cfg(const char *name)
{
    vz_timing_config c;
    vz_timing_config_default(&c);
    char err[300];
    std::string path = std::string(VZSIM_CONFIGS_DIR) + "/" + name;
    EXPECT_EQ(vz_timing_config_load(path.c_str(), &c, err, sizeof err), 0) << err;
    return c;
}

#endif
