package runtime

import (
	"errors"
	"fmt"
)

// DeviceLister is implemented by a Driver that can describe the devices of
// its backend without opening them, and open any of them. Devices lists
// them and WithDevice opens one. A Driver without it is taken to have one
// device, which Devices describes by opening and closing it.
type DeviceLister interface {
	// Devices describes every device of the backend in a fixed order:
	// the DeviceInfo.Index of each is its position. It keeps nothing
	// open. When the backend has no device (no native library, no
	// platform, no device) it returns an error saying why, matching
	// ErrUnavailable when nothing is misconfigured.
	Devices() ([]DeviceInfo, error)
	// OpenDevice opens the device at index in Devices' list, whatever
	// the backend's own selection variables (DC_OPENCL_DEVICE,
	// DC_CUDA_DEVICE) say.
	OpenDevice(index int) (Backend, error)
}

// Devices lists the devices of every registered backend, the backends in
// the order Open tries them (cuda > metal > opencl > cpu), without keeping
// any open. A backend that has none contributes nothing to the list, and
// the reason to the error, which joins one error per such backend ("cuda:
// ..."); the list holds the devices found even when the error is not nil.
// WithDevice opens one of them.
func Devices() ([]DeviceInfo, error) {
	var all []DeviceInfo
	var errs []error
	for _, r := range byPriority() {
		infos, err := devicesOf(r)
		if err != nil {
			errs = append(errs, err)
		}
		all = append(all, infos...)
	}
	return all, errors.Join(errs...)
}

// BackendDevices lists the devices of the backend registered under name,
// as Devices does, with an error saying why when it has none.
func BackendDevices(name string) ([]DeviceInfo, error) {
	r, ok := lookup(name)
	if !ok {
		return nil, fmt.Errorf("runtime: unknown backend %q (registered: %s)", name, registeredList())
	}
	return devicesOf(r)
}

// devicesOf lists the devices of the registered backend r.
func devicesOf(r registration) ([]DeviceInfo, error) {
	var infos []DeviceInfo
	if l, ok := r.driver.(DeviceLister); ok {
		var err error
		if infos, err = l.Devices(); err != nil {
			return nil, &backendError{name: r.name, err: err}
		}
		if len(infos) == 0 {
			return nil, &backendError{name: r.name, err: fmt.Errorf("%w: the driver lists no device", ErrUnavailable)}
		}
	} else {
		b, err := openDriver(r.driver)
		if err != nil {
			return nil, &backendError{name: r.name, err: err}
		}
		info := b.Info()
		if err := b.Close(); err != nil {
			return nil, &backendError{name: r.name, err: err}
		}
		infos = []DeviceInfo{info}
	}
	for i := range infos {
		infos[i].Backend = r.name
		infos[i].Index = i
	}
	return infos, nil
}

// WithDevice makes Open open device d, one that Devices or BackendDevices
// listed: the device at d.Index of backend d.Backend. Like WithBackend it
// overrides DC_BACKEND and never falls back to another device; it also
// overrides the backend's own selection variables (DC_OPENCL_DEVICE,
// DC_CUDA_DEVICE).
func WithDevice(d DeviceInfo) Option {
	return func(o *options) {
		o.backend = d.Backend
		o.device = d.Index
		o.hasDevice = true
	}
}

// openIndex opens device index of the registered backend r.
func openIndex(r registration, index int) (Backend, error) {
	if l, ok := r.driver.(DeviceLister); ok {
		b, err := l.OpenDevice(index)
		if err == nil && b == nil {
			err = errors.New("driver returned no backend and no error")
		}
		return b, err
	}
	if index != 0 {
		return nil, fmt.Errorf("device %d does not exist: the backend lists one device", index)
	}
	return openDriver(r.driver)
}
