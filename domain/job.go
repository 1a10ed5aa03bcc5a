package domain

import "time"

// JobStatus is where a job is in its life.
type JobStatus string

// The job statuses.
const (
	JobQueued     JobStatus = "queued"
	JobProcessing JobStatus = "processing"
	JobCompleted  JobStatus = "completed"
	JobFailed     JobStatus = "failed"
	JobCancelled  JobStatus = "cancelled"
)

// Final reports whether no further work happens on a job in this status.
func (s JobStatus) Final() bool {
	return s == JobCompleted || s == JobFailed || s == JobCancelled
}

// JobSource is the channel a statement came through.
type JobSource string

// The channels.
const (
	SourceUpload JobSource = "upload"
	SourceEmail  JobSource = "email"
	SourceAPI    JobSource = "api"
	SourceCLI    JobSource = "cli"
)

// Job is one submitted file and what became of it. The job row is the source
// of truth; queues only carry its id.
type Job struct {
	ID               string
	UserID           string
	Source           JobSource
	OriginalFilename string
	FileSize         int64
	FileHash         string // SHA-256 hex of the input bytes
	ContentType      string
	BankHint         string
	Status           JobStatus
	Progress         int // 0..100
	Attempts         int
	DetectedBank     string
	Format           string
	TransactionCount int
	Reconciliation   ReconStatus
	Difference       Money
	ErrorMessage     string        // pt-BR, for the user
	InputFileID      string        // FileStore id; "" once deleted
	OutputFileID     string        // FileStore id of the xlsx; "" if none
	Summary          []byte        // the statements' JSON contract without transactions (accounts, periods, balances, rows, warnings)
	EmailMessageID   string        // for replies to e-mailed statements
	CreatedAt        time.Time     //
	StartedAt        *time.Time    //
	CompletedAt      *time.Time    //
	ExpiresAt        time.Time     // when the stored input file is deleted
	FileDeletedAt    *time.Time    // when the sweeper deleted it
	Retention        time.Duration // not stored; used at submit
}

// Cancel moves a queued or processing job to cancelled.
func (j *Job) Cancel(now time.Time) error {
	if j.Status.Final() {
		return Errorf(CodeConflict, "Este processamento já terminou e não pode ser cancelado.")
	}
	j.Status = JobCancelled
	j.CompletedAt = &now
	return nil
}

// JobResult is what processing a job produced, committed in one transaction
// with the job's completion.
type JobResult struct {
	Statements   []Statement
	DetectedBank string
	Format       string
	OutputFileID string
	Summary      []byte
}
