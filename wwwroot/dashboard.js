// Small helpers the Blazor components call; no inline scripts, so the Content-Security-Policy can forbid them.
window.dashboard = {
  setCookie(name, value, days) {
    const expires = new Date(Date.now() + days * 864e5).toUTCString();
    document.cookie = `${name}=${encodeURIComponent(value)}; expires=${expires}; path=/; SameSite=Lax`;
  },
  timeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return null; }
  },
};
