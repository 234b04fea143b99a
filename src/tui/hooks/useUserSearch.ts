// People to start a conversation with, searched as the name is typed (debounced; a late answer
// to an older query never replaces a newer one). The results go to the store, so a key pressed
// right after they are drawn already sees them.
import { useEffect, useRef } from 'react';
import type { PublicUser } from '../../client/api.js';
import type { UserSearch } from '../state/screen.js';

export const SEARCH_DEBOUNCE_MS = 200;

export type { UserSearch };

export function useUserSearch(search: (query: string) => Promise<PublicUser[]>, query: string, active: boolean, onChange: (state: UserSearch) => void): void {
  const sequence = useRef(0);
  useEffect(() => {
    if (!active) return;
    const mine = ++sequence.current;
    onChange({ results: [], loading: true, error: null });
    const timer = setTimeout(() => {
      search(query.trim()).then(
        (results) => mine === sequence.current && onChange({ results, loading: false, error: null }),
        (error: unknown) => mine === sequence.current && onChange({ results: [], loading: false, error: error instanceof Error ? error.message : String(error) }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, active, search, onChange]);
}
