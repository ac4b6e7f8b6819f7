package ledger

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// RecordVersion is the version of the event record WriteEvents writes. Every
// version ever written is read by ReadEvents forever: testdata/v1 holds
// version 1 files that the tests decode on every run.
const RecordVersion = 1

// record is an Event on the wire: the record version, then the event.
//
// Version 1 members: v, seq, id, dataset, dataset_version, row_key, kind,
// field, old, new, author, source, reason, time (RFC 3339 with nanoseconds),
// model_version, undo_of. Empty strings may be omitted.
type record struct {
	V int `json:"v"`
	Event
}

// WriteEvents writes events as JSON Lines, one record (version
// RecordVersion) per line, in the order given.
func WriteEvents(w io.Writer, events []Event) error {
	bw := bufio.NewWriter(w)
	for _, e := range events {
		b, err := json.Marshal(record{V: RecordVersion, Event: e})
		if err != nil {
			return fmt.Errorf("encode event %q: %w", e.ID, err)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	return nil
}

// ReadEvents reads the JSON Lines WriteEvents writes, of any record version
// up to RecordVersion. Blank lines are skipped; members it does not know are
// ignored. A line that is not a record, or a record of a newer version, is an
// error naming the line (1-based). It does not validate the events: Replay
// and Store.Append do.
func ReadEvents(r io.Reader) ([]Event, error) {
	br := bufio.NewReader(r)
	events := []Event{}
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return events, fmt.Errorf("read events: line %d: %w", line, err)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			var rec record
			if jerr := json.Unmarshal(t, &rec); jerr != nil {
				return events, fmt.Errorf("read events: line %d: %w", line, jerr)
			}
			switch {
			case rec.V == 0:
				return events, fmt.Errorf("read events: line %d: no record version (member \"v\")", line)
			case rec.V > RecordVersion:
				return events, fmt.Errorf("read events: line %d: record version %d is newer than this build reads (%d)", line, rec.V, RecordVersion)
			}
			events = append(events, rec.Event)
		}
		if err != nil {
			return events, nil
		}
	}
}

// eventColumns are the columns of WriteEventsCSV, named as the JSON members.
var eventColumns = []string{"seq", "id", "dataset", "dataset_version", "row_key", "kind", "field", "old", "new",
	"author", "source", "reason", "time", "model_version", "undo_of"}

// WriteEventsCSV writes events as CSV, one row per event with a header:
// seq, id, dataset, dataset_version, row_key, kind, field, old, new, author,
// source, reason, time (RFC 3339, UTC), model_version, undo_of. It is the
// corrections log for a spreadsheet; WriteEvents is the form read back.
func WriteEventsCSV(w io.Writer, events []Event) error {
	cw := csv.NewWriter(w)
	cw.Write(eventColumns)
	for _, e := range events {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.ID, e.Dataset, e.DatasetVersion, e.RowKey, string(e.Kind),
			e.Field, e.Old, e.New, e.Author, string(e.Source), e.Reason, e.Time.UTC().Format(time.RFC3339Nano),
			e.ModelVersion, e.UndoOf})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write events csv: %w", err)
	}
	return nil
}
