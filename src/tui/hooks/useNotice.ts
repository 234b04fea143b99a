// The status bar's notice: set by anything, gone after a few seconds.
import { useEffect } from 'react';
import type { ChatAction, Notice } from '../state/chat.js';

export const NOTICE_MS = 6000;

export function useNoticeTimeout(notice: Notice | null, dispatch: (action: ChatAction) => void): void {
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => dispatch({ type: 'notice', notice: null }), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dispatch]);
}
