// UI state and UI actions in two contexts (as gemini-cli separates them): components that only
// act never re-render for state changes, and the actions object never changes.
import { createContext, useContext, type ReactNode } from 'react';
import type { ChatActions } from './hooks/useChat.js';
import type { ChatState } from './state/chat.js';
import type { Account } from '../client/api.js';

export interface UIState extends ChatState {
  me: Account;
}

const UIStateContext = createContext<UIState | null>(null);
const UIActionsContext = createContext<ChatActions | null>(null);

export function UIProvider({ state, actions, children }: { state: UIState; actions: ChatActions; children: ReactNode }) {
  return (
    <UIActionsContext.Provider value={actions}>
      <UIStateContext.Provider value={state}>{children}</UIStateContext.Provider>
    </UIActionsContext.Provider>
  );
}

export function useUIState(): UIState {
  const state = useContext(UIStateContext);
  if (!state) throw new Error('useUIState outside the chat screen');
  return state;
}

export function useUIActions(): ChatActions {
  const actions = useContext(UIActionsContext);
  if (!actions) throw new Error('useUIActions outside the chat screen');
  return actions;
}
