#!/usr/bin/perl
# A stand-in web site for the runner's tests on a test server (which has
# perl, not python): serves the files under ROOT on port 80, one process per
# connection (a browser opens connections it may never use).
use strict;
use warnings;
use IO::Socket::INET;

my $root = shift or die "usage: stand-in-site.pl ROOT\n";
my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => 80, Listen => 20, ReuseAddr => 1)
    or die "cannot listen on port 80: $!\n";
$SIG{CHLD} = 'IGNORE';
while (my $client = $server->accept) {
    if (fork() == 0) {
        my $request = <$client> // '';
        while (my $line = <$client>) { last if $line =~ /^\r?\n$/ }
        my ($path) = $request =~ m{^GET (/[^ ?]*)};
        $path //= '/';
        $path =~ s{\.\.}{}g;
        $path .= 'index.html' if $path =~ m{/$};
        if (open my $file, '<', "$root$path") {
            local $/;
            my $body = <$file>;
            print $client "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " . length($body) . "\r\n\r\n$body";
        } else {
            print $client "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        }
        close $client;
        exit 0;
    }
    close $client;
}
