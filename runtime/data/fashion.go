package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"tandem.dev/tandem/runtime/host"
)

// FashionDir is where Debian's dataset-fashion-mnist package installs the
// Fashion-MNIST files.
const FashionDir = "/usr/share/datasets/fashion-mnist"

// FashionClasses are the Fashion-MNIST class names; the index is the class
// id in the files.
var FashionClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Fashion holds the options of FashionMNIST. The zero value reads all 60,000
// training and 10,000 test images from FashionDir, pixels scaled to [0, 1].
type Fashion struct {
	Dir   string // default FashionDir
	Limit int    // read at most this many rows of each part; 0 = all
	Raw   bool   // keep pixel values 0–255 instead of scaling to [0, 1]
}

// ErrNoFashion is returned (wrapped) when the Fashion-MNIST files are not
// in the directory.
var ErrNoFashion = errors.New("fashion-mnist files not found (on Debian: apt-get install dataset-fashion-mnist)")

// FashionMNIST loads the Fashion-MNIST training and test sets (Xiao, Rasul
// and Vollgraf 2017, Zalando Research, MIT licence): 28×28 grey images,
// features p000…p783 (row-major), 10 classes (FashionClasses). Keys are
// "train-<i>" and "test-<i>", the row number in the files. It reads
// <Dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte, gzipped (.gz) or not.
//
// It is the one-value form for cells: it panics with Error, saying what to
// install, if the files are absent (LoadFashionMNIST returns the error).
func FashionMNIST(opt Fashion) (train, test *Dataset) {
	tr, te, err := LoadFashionMNIST(opt)
	if err != nil {
		panic(Error{"data: " + err.Error()})
	}
	return tr, te
}

// LoadFashionMNIST is FashionMNIST returning an error: one wrapping
// ErrNoFashion if the files are absent, or a read or format error.
func LoadFashionMNIST(opt Fashion) (train, test *Dataset, err error) {
	dir := opt.Dir
	if dir == "" {
		dir = FashionDir
	}
	load := func(part, name string) (*Dataset, error) {
		img, err := openMaybeGz(filepath.Join(dir, part+"-images-idx3-ubyte"))
		if err != nil {
			return nil, err
		}
		defer img.Close()
		lab, err := openMaybeGz(filepath.Join(dir, part+"-labels-idx1-ubyte"))
		if err != nil {
			return nil, err
		}
		defer lab.Close()
		return ReadIDX(img, lab, IDX{Name: name, Classes: FashionClasses, Limit: opt.Limit, Raw: opt.Raw})
	}
	if train, err = load("train", "train"); err != nil {
		return nil, nil, fmt.Errorf("load fashion-mnist train: %w", err)
	}
	if test, err = load("t10k", "test"); err != nil {
		return nil, nil, fmt.Errorf("load fashion-mnist test: %w", err)
	}
	return train, test, nil
}

type gzFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzFile) Close() error { g.Reader.Close(); return g.f.Close() }

// openMaybeGz opens path, or path+".gz" through gzip.
func openMaybeGz(path string) (io.ReadCloser, error) {
	if f, err := os.Open(path); err == nil {
		return f, nil
	}
	f, err := os.Open(path + ".gz")
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no %s or %s.gz", ErrNoFashion, path, filepath.Base(path))
	}
	if err != nil {
		return nil, err
	}
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s.gz: %w", path, err)
	}
	return gzFile{z, f}, nil
}

// maxIDXPixels bounds the pixels of one IDX image (1024×1024).
const maxIDXPixels = 1 << 20

// IDX holds the options of ReadIDX.
type IDX struct {
	Name    string   // dataset name and key prefix ("<Name>-<i>"); default "idx"
	Classes []string // class names by id; default "0", "1", …
	Limit   int      // read at most this many rows; 0 = all
	Raw     bool     // keep byte values 0–255 instead of scaling to [0, 1]
}

// ReadIDX reads images and labels in the IDX format of MNIST (LeCun et al.):
// images are unsigned bytes with 3 dimensions (count, rows, columns), labels
// unsigned bytes with 1 dimension. Each image becomes one row of
// rows×columns features p000… (row-major). It returns an error for a bad
// magic number, a type other than unsigned byte, counts that disagree, a
// label outside Classes, or short input.
func ReadIDX(images, labels io.Reader, opt IDX) (*Dataset, error) {
	dims, err := idxHeader(images, 3)
	if err != nil {
		return nil, fmt.Errorf("read idx images: %w", err)
	}
	ldims, err := idxHeader(labels, 1)
	if err != nil {
		return nil, fmt.Errorf("read idx labels: %w", err)
	}
	n := dims[0]
	if ldims[0] != n {
		return nil, fmt.Errorf("read idx: %d images but %d labels", n, ldims[0])
	}
	if opt.Limit > 0 && opt.Limit < n {
		n = opt.Limit
	}
	f := dims[1] * dims[2]
	if f == 0 || f > maxIDXPixels {
		return nil, fmt.Errorf("read idx: images of %d×%d pixels (at most %d)", dims[1], dims[2], maxIDXPixels)
	}
	name := opt.Name
	if name == "" {
		name = "idx"
	}
	// Read what is there rather than trusting the header's count with an
	// allocation: a short file is an error, not a huge buffer.
	lab, err := io.ReadAll(io.LimitReader(labels, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("read idx labels: %w", err)
	}
	if len(lab) < n {
		return nil, fmt.Errorf("read idx labels: %w: %d of %d labels", io.ErrUnexpectedEOF, len(lab), n)
	}
	classes := opt.Classes
	if classes == nil {
		classes = classNames(10)
	}
	t := &table{label: "label", classes: classes, y: make([]int, n), keys: make([]string, n)}
	for i, l := range lab {
		if int(l) >= len(classes) {
			return nil, fmt.Errorf("read idx labels: label %d of row %d is not below %d classes", l, i, len(classes))
		}
		t.y[i] = int(l)
		t.keys[i] = fmt.Sprintf("%s-%d", name, i)
	}
	blk := &block{data: make([]float32, 0, min(n, 1024)*f), nf: f, noNaN: true}
	scale := float32(255)
	if opt.Raw {
		scale = 1
	}
	buf := make([]byte, f)
	br := bufio.NewReaderSize(images, 1<<16)
	for i := 0; i < n; i++ {
		if i&1023 == 0 {
			host.Check()
		}
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, fmt.Errorf("read idx image %d: %w", i, err)
		}
		blk.data = slices.Grow(blk.data, f)[:(i+1)*f]
		row := blk.data[i*f : (i+1)*f]
		for j, v := range buf {
			row[j] = float32(v) / scale
		}
	}
	width := len(fmt.Sprint(f - 1))
	t.cols = make([]*column, f)
	for j := range t.cols {
		t.cols[j] = &column{name: fmt.Sprintf("p%0*d", width, j), kind: Numeric, blk: blk, bj: j}
	}
	return newDataset(name, t, nil), nil
}

// idxHeader reads the magic number (0, 0, type 0x08 = unsigned byte, number
// of dimensions) and the big-endian dimensions.
func idxHeader(r io.Reader, ndim int) ([]int, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, err
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("not an IDX file (magic % x)", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("IDX type 0x%02x, want 0x08 (unsigned byte)", magic[2])
	}
	if int(magic[3]) != ndim {
		return nil, fmt.Errorf("IDX with %d dimensions, want %d", magic[3], ndim)
	}
	dims := make([]int, ndim)
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, err
		}
		if d > 1<<28 {
			return nil, fmt.Errorf("IDX dimension %d too large", d)
		}
		dims[i] = int(d)
	}
	return dims, nil
}
