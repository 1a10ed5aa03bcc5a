package bootstrap

import (
	"fmt"
	"path/filepath"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/adapters/storage"
	"github.com/bankflow/bankflow/domain"
)

// storageModule provides the encrypted file store under UPLOAD_DIR.
var storageModule = fx.Module("storage",
	fx.Provide(
		newFileStore,
		func(s *storage.Store) domain.FileStore { return s },
	),
)

func newFileStore(cfg Config) (*storage.Store, error) {
	keys, err := loadKeys(cfg)
	if err != nil {
		return nil, err
	}
	s, err := storage.New(cfg.UploadDir, keys)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return s, nil
}

// loadKeys reads BANKFLOW_ENCRYPTION_KEY, or in the embedded default the key
// generated into DATA_DIR (mode 0600) on first start.
func loadKeys(cfg Config) (storage.Keyring, error) {
	if cfg.EncryptionKey != "" {
		k, err := storage.ParseKey(cfg.EncryptionKey)
		if err != nil {
			return storage.Keyring{}, fmt.Errorf("BANKFLOW_ENCRYPTION_KEY: %w", err)
		}
		return k, nil
	}
	if err := ensureDataDir(cfg); err != nil {
		return storage.Keyring{}, err
	}
	return storage.LoadOrCreateKey(filepath.Join(cfg.DataDir, "encryption.key"))
}
