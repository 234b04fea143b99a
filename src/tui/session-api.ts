// The API client of a chat session: the same ChatApi, except that a 401 on any request (the
// token revoked elsewhere, or expired) is reported once to the App, which returns to the login
// screen instead of letting every later action fail.
import { ApiError, ChatApi, type ApiResponse } from '../client/api.js';

export class SessionApi extends ChatApi {
  private ended = false;

  constructor(
    baseUrl: string,
    token: string,
    private readonly onUnauthorized: () => void,
  ) {
    super(baseUrl, token);
  }

  override async send<T>(...args: Parameters<ChatApi['send']>): Promise<ApiResponse<T>> {
    try {
      return await super.send<T>(...args);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && !this.ended) {
        this.ended = true;
        this.onUnauthorized();
      }
      throw error;
    }
  }
}
