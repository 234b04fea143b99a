// Where uploads live: UPLOADS_PATH when set (a folder several instances share), else <dataDir>/uploads.
import { join } from 'node:path';
import type { AppConfig } from '../../config/env.js';

export type UploadsConfig = Pick<AppConfig, 'dataDir'> & Partial<Pick<AppConfig, 'uploadsDir'>>;

export function uploadsFolder(config: UploadsConfig): string {
  return config.uploadsDir ?? join(config.dataDir, 'uploads');
}
