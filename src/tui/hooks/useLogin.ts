// The login screen's controller: the form state (pure reducer in ../state/login-form), and the
// submit that logs in or registers through the HTTP API, saves the same 0600 profile as
// `chatctl login`, and hands the new session up.
import { hostname } from 'node:os';
import { useEffect, useReducer, useRef } from 'react';
import { z } from 'zod';
import { ApiError, ChatApi, type Account } from '../../client/api.js';
import { normalizeServer, saveProfile } from '../../client/profile.js';
import { firstEmpty, initialForm, loginFormReducer, serverProblem, type Banner, type LoginAction, type LoginForm, type LoginMode } from '../state/login-form.js';

/** What a login or registration must answer before anything is saved (another server may not). */
const loginAnswer = z.object({
  token: z.string().min(1).max(4096),
  user: z.looseObject({ id: z.number().int(), name: z.string(), email: z.string(), avatar: z.string().nullable().optional() }),
});

export interface Session {
  server: string;
  token: string;
  user: Account;
}

export interface Login {
  form: LoginForm;
  dispatch(action: LoginAction): void;
  /** Enter: moves to the first empty field, or sends the form. */
  submit(): void;
}

export function useLogin(options: {
  server: string;
  email?: string;
  mode?: LoginMode;
  banner?: Banner | null;
  /** Where the profile is saved (CHATCTL_CONFIG_DIR); default process.env. */
  profileEnv?: NodeJS.ProcessEnv;
  onSession(session: Session): void;
}): Login {
  const [form, dispatchState] = useReducer(loginFormReducer, options, initialForm);
  // Updated at once, so an Enter in the same input chunk as the typing sees the typed text.
  const formRef = useRef(form);
  const dispatch = (action: LoginAction) => {
    formRef.current = loginFormReducer(formRef.current, action);
    dispatchState(action);
  };
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  // The caller may update its line (e.g. "logging out…" → "logged out").
  const bannerText = options.banner?.text;
  const bannerTone = options.banner?.tone ?? 'info';
  const firstBanner = useRef(true);
  useEffect(() => {
    if (firstBanner.current) {
      firstBanner.current = false;
      return;
    }
    dispatch({ type: 'banner', banner: bannerText === undefined ? null : { text: bannerText, tone: bannerTone } });
  }, [bannerText, bannerTone]);
  const onSession = useRef(options.onSession);
  onSession.current = options.onSession;
  const env = options.profileEnv ?? process.env;

  const submit = () => {
    const current = formRef.current;
    if (current.submitting) return;
    const empty = firstEmpty(current.mode, current.values);
    if (empty) return dispatch({ type: 'focus-on', field: empty });
    const problem = serverProblem(current.values.server);
    if (problem) return dispatch({ type: 'invalid', field: 'server', message: problem });
    dispatch({ type: 'submit-start' });
    const server = normalizeServer(current.values.server);
    const { name, email, password } = current.values;
    const api = new ChatApi(server);
    const device = `chatctl chat on ${hostname()}`.slice(0, 255);
    const request = current.mode === 'login' ? api.login(email, password, device) : api.register({ name, email, password, device_name: device });
    request.then(
      (answer: unknown) => {
        if (!mounted.current) return;
        const parsed = loginAnswer.safeParse(answer);
        if (!parsed.success) {
          const message = `${server} answered without a token and user, so it is not a chatctl-compatible server`;
          return dispatch({ type: 'failed', failure: { status: 0, message } });
        }
        const { token } = parsed.data;
        const user: Account = { ...parsed.data.user, avatar: parsed.data.user.avatar ?? null };
        try {
          saveProfile({ server, token, user }, env);
        } catch {
          // Logged in all the same; only the next start will ask again.
        }
        dispatch({ type: 'succeeded' });
        onSession.current({ server, token, user });
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const failure =
          error instanceof ApiError
            ? { status: error.status, message: error.message, errors: error.errors, retryAfter: error.retryAfter }
            : { status: -1, message: error instanceof Error ? error.message : String(error) };
        dispatch({ type: 'failed', failure });
      },
    );
  };

  return { form, dispatch, submit };
}
