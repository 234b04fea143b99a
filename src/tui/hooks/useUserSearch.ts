// People to start a conversation with, searched as the name is typed (debounced; a late answer
// to an older query never replaces a newer one).
import { useEffect, useRef, useState } from 'react';
import type { PublicUser } from '../../client/api.js';

export const SEARCH_DEBOUNCE_MS = 200;

export interface UserSearch {
  results: PublicUser[];
  loading: boolean;
  error: string | null;
}

export function useUserSearch(search: (query: string) => Promise<PublicUser[]>, query: string, active: boolean): UserSearch {
  const [state, setState] = useState<UserSearch>({ results: [], loading: false, error: null });
  const sequence = useRef(0);
  const searchRef = useRef(search);
  searchRef.current = search;
  useEffect(() => {
    if (!active) return;
    const mine = ++sequence.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    const timer = setTimeout(() => {
      searchRef.current(query.trim()).then(
        (results) => mine === sequence.current && setState({ results, loading: false, error: null }),
        (error: unknown) => mine === sequence.current && setState({ results: [], loading: false, error: error instanceof Error ? error.message : String(error) }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, active]);
  return state;
}
