package io.trustfl.cuda;

/**
 * What the CUDA backend knows about the device it runs on.
 *
 * @param ordinal device number (0)
 * @param name device name as the driver reports it, e.g. "NVIDIA H100 80GB HBM3"
 * @param major compute capability, major part (8 or more is required)
 * @param minor compute capability, minor part
 * @param totalMemoryBytes global memory in bytes
 * @param multiprocessors streaming multiprocessor count
 * @param runtimeVersion CUDA runtime version linked in (e.g. 13000 for 13.0)
 * @param driverVersion CUDA version the installed driver supports
 */
public record CudaDeviceInfo(int ordinal, String name, int major, int minor, long totalMemoryBytes,
    int multiprocessors, int runtimeVersion, int driverVersion) {}
