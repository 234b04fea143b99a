// The seed's JSON examples (seed-ar.md), verbatim: what existing clients were written against.
export const SEED = {
  start: { status: true, message: 'تم إنشاء المحادثة بنجاح', data: { conversation_id: 1 } },
  conversations: {
    status: true,
    data: [
      {
        id: 1,
        other_user: { id: 5, name: 'أحمد محمد', avatar: 'https://...' },
        latest_message: { message: 'مرحباً، كيف حالك؟', created_at: 'منذ 5 دقائق' },
        unread_count: 3,
        updated_at: '2026-01-25T10:00:00Z',
      },
    ],
  },
  messages: {
    status: true,
    data: [
      {
        id: 1,
        sender_id: 5,
        message: 'مرحباً!',
        type: 'text',
        is_read: true,
        created_at: '2026-01-25T09:50:00Z',
        sender: { id: 5, name: 'أحمد', avatar: 'https://...' },
      },
    ],
  },
  send: {
    status: true,
    message: 'تم إرسال الرسالة بنجاح',
    data: { id: 2, sender_id: 3, message: 'كيف حالك؟', type: 'text', created_at: '2026-01-25T10:00:00Z' },
  },
  messageSentEvent: {
    id: 2,
    conversation_id: 1,
    sender_id: 3,
    message: 'كيف حالك؟',
    type: 'text',
    created_at: '2026-01-25T10:00:00Z',
    sender: { id: 3, name: 'محمد', avatar: 'https://...' },
  },
} as const;

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
