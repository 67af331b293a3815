package opencl

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// EnvDevice is the environment variable that picks the OpenCL device Open
// uses: an index N over the devices of every platform in enumeration order
// (DeviceDesc.Index), "P:D" for device D of platform P, or otherwise a
// case-insensitive substring of "<platform name> <device name>".
const EnvDevice = "DC_OPENCL_DEVICE"

// DeviceDesc describes one OpenCL device, as Devices lists it.
type DeviceDesc struct {
	Index        int    // position over the devices of every platform: the N of DC_OPENCL_DEVICE=N
	Platform     int    // index of the device's platform: the P of DC_OPENCL_DEVICE=P:D
	Device       int    // index of the device in its platform: the D of DC_OPENCL_DEVICE=P:D
	PlatformName string // e.g. "Portable Computing Language"
	Name         string // e.g. "cpu-haswell-AMD EPYC 7B13"
	Type         string // "GPU", "CPU", "accelerator" or "other"
}

// String formats d as "0 (0:0) Portable Computing Language: cpu-haswell-AMD
// EPYC 7B13 [CPU]".
func (d DeviceDesc) String() string {
	return fmt.Sprintf("%d (%d:%d) %s: %s [%s]", d.Index, d.Platform, d.Device, d.PlatformName, d.Name, d.Type)
}

// Devices lists the OpenCL devices of every platform, in the order
// DC_OPENCL_DEVICE indexes them. It returns an error matching
// ErrUnavailable when the library cannot be loaded or there is no
// platform.
func Devices() ([]DeviceDesc, error) {
	a, err := loadAPI()
	if err != nil {
		return nil, err
	}
	descs, _, err := enumerate(a)
	return descs, err
}

// enumerate returns the devices of every platform and their ids. The
// platforms are queried once per loaded library, by the first caller, while
// the others wait; every caller then gets the same result, error included.
func enumerate(a *api) ([]DeviceDesc, []uintptr, error) {
	a.enumOnce.Do(func() { a.descs, a.ids, a.enumErr = a.enumerate() })
	return slices.Clone(a.descs), a.ids, a.enumErr
}

// enumerate queries the devices of every platform and their ids.
func (a *api) enumerate() ([]DeviceDesc, []uintptr, error) {
	platforms, err := a.platformIDs()
	if err != nil {
		return nil, nil, err
	}
	var descs []DeviceDesc
	var ids []uintptr
	for pi, p := range platforms {
		pname, err := a.platformName(p)
		if err != nil {
			return nil, nil, err
		}
		devs, err := a.deviceIDs(p)
		if err != nil {
			return nil, nil, err
		}
		for di, d := range devs {
			name, err := a.deviceString(d, clDeviceName)
			if err != nil {
				return nil, nil, err
			}
			typ, err := a.deviceUint64(d, clDeviceType)
			if err != nil {
				return nil, nil, err
			}
			descs = append(descs, DeviceDesc{
				Index:        len(descs),
				Platform:     pi,
				Device:       di,
				PlatformName: pname,
				Name:         name,
				Type:         typeName(typ),
			})
			ids = append(ids, d)
		}
	}
	if len(descs) == 0 {
		return nil, nil, &unavailableError{msg: fmt.Sprintf("opencl: no OpenCL device on %d platforms: install an OpenCL driver such as pocl-opencl-icd", len(platforms))}
	}
	return descs, ids, nil
}

// typeName names a cl_device_type.
func typeName(t uint64) string {
	switch {
	case t&clDeviceTypeGPU != 0:
		return "GPU"
	case t&clDeviceTypeCPU != 0:
		return "CPU"
	case t&clDeviceTypeAccelerator != 0:
		return "accelerator"
	}
	return "other"
}

// choose returns the index in descs of the device DC_OPENCL_DEVICE names
// or, when it is not set, of the first GPU, else of the first device.
func choose(descs []DeviceDesc) (int, error) {
	sel := strings.TrimSpace(os.Getenv(EnvDevice))
	if sel == "" {
		for i, d := range descs {
			if d.Type == "GPU" {
				return i, nil
			}
		}
		return 0, nil
	}
	if n, err := strconv.Atoi(sel); err == nil {
		if n >= 0 && n < len(descs) {
			return n, nil
		}
		return 0, noMatch(sel, descs)
	}
	if ps, ds, ok := strings.Cut(sel, ":"); ok {
		p, perr := strconv.Atoi(ps)
		d, derr := strconv.Atoi(ds)
		if perr == nil && derr == nil {
			for i, desc := range descs {
				if desc.Platform == p && desc.Device == d {
					return i, nil
				}
			}
			return 0, noMatch(sel, descs)
		}
	}
	want := strings.ToLower(sel)
	for i, d := range descs {
		if strings.Contains(strings.ToLower(d.PlatformName+" "+d.Name), want) {
			return i, nil
		}
	}
	return 0, noMatch(sel, descs)
}

// noMatch is the error for a DC_OPENCL_DEVICE value that names no device.
func noMatch(sel string, descs []DeviceDesc) error {
	list := make([]string, len(descs))
	for i, d := range descs {
		list[i] = d.String()
	}
	return fmt.Errorf("opencl: %s=%q matches no device; the devices are: %s", EnvDevice, sel, strings.Join(list, "; "))
}
