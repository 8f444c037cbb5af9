"""Python's smtplib against Postiljon: submission over STARTTLS and over implicit TLS, and MX.

usage: smtplib_client.py SUBMISSION-PORT SUBMISSIONS-PORT MX-PORT PASSWORD
"""
import smtplib
import ssl
import sys
from email.message import EmailMessage

submission, submissions, mx, password = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE


def message(subject):
    m = EmailMessage()
    m['From'] = 'alice@example.org'
    m['To'] = 'bob@example.org'
    m['Subject'] = subject
    m.set_content('Grüße aus Köln\n.a line with a leading dot\n')
    return m


with smtplib.SMTP('127.0.0.1', submission) as s:
    s.ehlo('laptop')
    assert s.has_extn('starttls'), s.esmtp_features
    s.starttls(context=ctx)
    s.ehlo('laptop')
    assert 'PLAIN' in s.esmtp_features['auth'], s.esmtp_features
    s.login('alice@example.org', password)
    refused = s.send_message(message('over starttls'))
    assert refused == {}, refused

with smtplib.SMTP_SSL('127.0.0.1', submissions, context=ctx) as s:
    s.login('alice@example.org', password)
    s.send_message(message('over implicit tls'))
    try:
        s.send_message(message('as someone else'), from_addr='bob@example.org')
        raise AssertionError('sending as bob must be refused')
    except smtplib.SMTPSenderRefused as e:
        assert e.smtp_code == 553, e

with smtplib.SMTP('127.0.0.1', mx) as s:
    s.send_message(message('from the world'), from_addr='stranger@example.net')
    try:
        s.sendmail('stranger@example.net', ['victim@example.net'], 'Subject: relay?\r\n\r\nx\r\n')
        raise AssertionError('relaying must be refused')
    except smtplib.SMTPRecipientsRefused as e:
        assert e.recipients['victim@example.net'][0] == 554, e.recipients

print('smtplib: all checks passed')
