#!/usr/bin/env bash
# Installs and starts a real Postfix on this machine for the interoperability tests: its QMQP
# server (qmqpd) on a loopback port, local delivery into /var/mail/USER for the test domain, and
# the test users. Idempotent: safe to run again. Needs root.
set -euo pipefail

port="${MINIQMAIL_POSTFIX_QMQP_PORT:-10628}"
domain="${MINIQMAIL_POSTFIX_DOMAIN:-postfix.test}"
users="carolyn alice bob dave"

export DEBIAN_FRONTEND=noninteractive
if ! command -v postconf >/dev/null 2>&1; then
  # "Local only" keeps the install from asking questions or relaying anywhere; installing
  # Postfix first stops apt from pulling in another MTA for the mail clients installed later.
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string mail.$domain" | debconf-set-selections
  apt-get install -y -q --no-install-recommends postfix >/dev/null
fi

postconf -e \
  "myhostname=mail.$domain" \
  "mydomain=$domain" \
  "myorigin=$domain" \
  "mydestination=$domain, localhost" \
  "inet_interfaces=loopback-only" \
  "inet_protocols=all" \
  "mynetworks=127.0.0.0/8 [::1]/128" \
  "qmqpd_authorized_clients=127.0.0.0/8 [::1]/128" \
  "alias_maps=" \
  "alias_database=" \
  "local_recipient_maps=proxy:unix:passwd.byname" \
  "relayhost=" \
  "default_transport=error:no relaying from the test server" \
  "maillog_file=/var/log/postfix-test.log" \
  "message_size_limit=0" \
  "mailbox_size_limit=0" \
  "compatibility_level=3.6"
# No chroot: Debian fills it from an init script that is not used here.
postconf -F '*/*/chroot = n'
postconf -M "127.0.0.1:$port/inet=127.0.0.1:$port inet n - n - - qmqpd"
postconf -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"

for user in $users; do
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/sh "$user"
  touch "/var/mail/$user" && chown "$user:mail" "/var/mail/$user" && chmod 0660 "/var/mail/$user"
done

if postfix status >/dev/null 2>&1; then
  postfix reload >/dev/null 2>&1
else
  postfix start >/dev/null 2>&1
fi

# Bounded wait for qmqpd's port.
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "postfix: qmqpd listening on 127.0.0.1:$port, mail for $domain in /var/mail/USER"
    exit 0
  fi
  sleep 0.1
done
echo "setup-postfix: qmqpd did not start on 127.0.0.1:$port" >&2
tail -n 20 /var/log/postfix-test.log >&2 || true
exit 1
