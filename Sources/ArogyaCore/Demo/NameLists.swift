/// Names for the synthetic population: common names of the Hindi-speaking states, each in Devanagari with
/// the Latin spellings people really use, most common first.
enum NameLists {
    struct Name {
        let devanagari: String
        let latin: [String]
    }

    static func names(_ pairs: [(String, [String])]) -> [Name] { pairs.map { Name(devanagari: $0.0, latin: $0.1) } }

    static let female = names([
        ("लक्ष्मी", ["Lakshmi", "Laxmi", "Lakshami"]), ("सीता", ["Sita", "Seeta"]), ("गीता", ["Geeta", "Gita", "Geetha"]),
        ("सुनीता", ["Sunita", "Suneeta"]), ("पूजा", ["Pooja", "Puja"]), ("रेखा", ["Rekha"]), ("सरिता", ["Sarita"]),
        ("कमला", ["Kamla", "Kamala"]), ("सरला", ["Sarla", "Sarala"]), ("आशा", ["Asha", "Aasha"]), ("उषा", ["Usha"]),
        ("मीना", ["Meena", "Mina"]), ("अनीता", ["Anita", "Aneeta"]), ("सविता", ["Savita", "Sawita"]), ("ममता", ["Mamta", "Mamata"]),
        ("कविता", ["Kavita", "Kavitha"]), ("पार्वती", ["Parvati", "Parwati"]), ("राधा", ["Radha"]), ("शांति", ["Shanti", "Santi"]),
        ("किरण", ["Kiran"]), ("नीलम", ["Neelam", "Nilam"]), ("संगीता", ["Sangeeta", "Sangita"]), ("प्रिया", ["Priya"]),
        ("अंजलि", ["Anjali", "Anjli"]), ("रीता", ["Rita", "Reeta"]), ("गंगा", ["Ganga"]), ("फूलमती", ["Phoolmati", "Fulmati"]),
        ("कलावती", ["Kalawati", "Kalavati"]), ("शकुंतला", ["Shakuntala", "Sakuntala"]), ("सुशीला", ["Sushila", "Susheela"]),
        ("निर्मला", ["Nirmala", "Nirmla"]), ("विमला", ["Vimla", "Bimla", "Vimala"]), ("उर्मिला", ["Urmila"]), ("माया", ["Maya"]),
        ("रानी", ["Rani"]), ("सोनी", ["Soni"]), ("नेहा", ["Neha"]), ("काजल", ["Kajal"]), ("खुशबू", ["Khushboo", "Khushbu"]),
        ("ज्योति", ["Jyoti", "Jyothi"]), ("दीपा", ["Deepa", "Dipa"]), ("फ़ातिमा", ["Fatima", "Fatma"]), ("रुखसाना", ["Rukhsana"]),
        ("शबनम", ["Shabnam"]), ("नसरीन", ["Nasreen", "Nasrin"]), ("जमीला", ["Jameela", "Jamila"]), ("सलमा", ["Salma"]),
        ("आयशा", ["Ayesha", "Aisha"]), ("रज़िया", ["Razia", "Rajia"]), ("पुष्पा", ["Pushpa"]), ("मंजू", ["Manju"]),
        ("बबीता", ["Babita", "Bavita"]), ("सुमन", ["Suman"]), ("रंजना", ["Ranjana"]), ("वंदना", ["Vandana", "Wandana"]),
        ("अर्चना", ["Archana"]), ("मधु", ["Madhu"]), ("सरस्वती", ["Saraswati", "Sarswati"]), ("दुर्गा", ["Durga"]),
    ])

    static let male = names([
        ("राम", ["Ram", "Rama"]), ("श्याम", ["Shyam", "Syam"]), ("मोहन", ["Mohan"]), ("रमेश", ["Ramesh"]), ("सुरेश", ["Suresh"]),
        ("महेश", ["Mahesh"]), ("राजेश", ["Rajesh"]), ("दिनेश", ["Dinesh"]), ("मुकेश", ["Mukesh"]), ("राकेश", ["Rakesh"]),
        ("अनिल", ["Anil", "Aneel"]), ("सुनील", ["Sunil", "Suneel"]), ("विजय", ["Vijay", "Vijai"]), ("अजय", ["Ajay", "Ajai"]),
        ("संजय", ["Sanjay", "Sanjai"]), ("राजू", ["Raju"]), ("कृष्ण", ["Krishna", "Krishan"]), ("गोपाल", ["Gopal"]),
        ("रामेश्वर", ["Rameshwar", "Rameswar"]), ("शिव", ["Shiv", "Shiva"]), ("हरि", ["Hari"]), ("प्रकाश", ["Prakash"]),
        ("ओम", ["Om"]), ("जगदीश", ["Jagdish", "Jagadish"]), ("भोला", ["Bhola"]), ("शंभु", ["Shambhu", "Sambhu"]),
        ("लक्ष्मण", ["Lakshman", "Laxman"]), ("रामू", ["Ramu"]), ("कमल", ["Kamal"]), ("मनोज", ["Manoj"]), ("प्रमोद", ["Pramod"]),
        ("विनोद", ["Vinod", "Binod"]), ("अशोक", ["Ashok", "Asok"]), ("संतोष", ["Santosh", "Santhosh"]), ("दीपक", ["Deepak", "Dipak"]),
        ("अमित", ["Amit"]), ("राहुल", ["Rahul"]), ("रवि", ["Ravi"]), ("सूरज", ["Suraj"]), ("अरुण", ["Arun"]),
        ("मोहम्मद", ["Mohammad", "Mohd", "Muhammad", "Mohammed"]), ("सलीम", ["Salim", "Saleem"]), ("रहीम", ["Rahim", "Raheem"]),
        ("अब्दुल", ["Abdul"]), ("इरफ़ान", ["Irfan"]), ("इमरान", ["Imran"]), ("असलम", ["Aslam"]), ("जावेद", ["Javed", "Jawed"]),
        ("फ़िरोज़", ["Firoz", "Feroz"]), ("अकबर", ["Akbar"]), ("बृजेश", ["Brijesh", "Brajesh"]), ("धर्मेंद्र", ["Dharmendra"]),
        ("जितेंद्र", ["Jitendra", "Jeetendra"]), ("नरेंद्र", ["Narendra"]), ("सुरेंद्र", ["Surendra"]), ("राजेंद्र", ["Rajendra"]),
    ])

    static let surnames = names([
        ("शर्मा", ["Sharma"]), ("वर्मा", ["Verma", "Varma"]), ("यादव", ["Yadav"]), ("सिंह", ["Singh"]), ("गुप्ता", ["Gupta"]),
        ("प्रसाद", ["Prasad"]), ("मौर्य", ["Maurya", "Mourya"]), ("पटेल", ["Patel"]), ("चौहान", ["Chauhan"]), ("पाल", ["Pal"]),
        ("निषाद", ["Nishad"]), ("कुशवाहा", ["Kushwaha"]), ("राजपूत", ["Rajput"]), ("तिवारी", ["Tiwari", "Tewari"]),
        ("मिश्रा", ["Mishra", "Misra"]), ("पांडेय", ["Pandey", "Pande"]), ("दुबे", ["Dubey", "Dube"]), ("शुक्ला", ["Shukla"]),
        ("त्रिपाठी", ["Tripathi"]), ("श्रीवास्तव", ["Srivastava", "Shrivastava"]), ("सोनकर", ["Sonkar"]), ("जाटव", ["Jatav"]),
        ("कोरी", ["Kori"]), ("लोधी", ["Lodhi"]), ("कुर्मी", ["Kurmi"]), ("बघेल", ["Baghel"]), ("राठौर", ["Rathore", "Rathaur"]),
        ("खान", ["Khan"]), ("अंसारी", ["Ansari"]), ("कुरैशी", ["Qureshi", "Kureshi"]), ("शेख", ["Shaikh", "Sheikh"]),
        ("सिद्दीकी", ["Siddiqui", "Siddiqi"]), ("प्रजापति", ["Prajapati"]), ("विश्वकर्मा", ["Vishwakarma", "Viswakarma"]),
        ("गौतम", ["Gautam", "Gotam"]), ("भारती", ["Bharti", "Bharati"]), ("साहू", ["Sahu"]), ("जायसवाल", ["Jaiswal"]),
    ])

    static let muslimSurnames: Set<String> = ["खान", "अंसारी", "कुरैशी", "शेख", "सिद्दीकी"]
    static let muslimFirstNames: Set<String> = ["फ़ातिमा", "रुखसाना", "शबनम", "नसरीन", "जमीला", "सलमा", "आयशा", "रज़िया",
                                                "मोहम्मद", "सलीम", "रहीम", "अब्दुल", "इरफ़ान", "इमरान", "असलम", "जावेद", "फ़िरोज़", "अकबर"]

    static let villages = [
        "Rampur", "Sitapur", "Naya Gaon", "Chandpur", "Khairabad", "Bhagwanpur", "Salempur", "Madhopur", "Kishanpur",
        "Gopalpur", "Ratanpur", "Islampur", "Fatehpur", "Sultanpur", "Dhanpur", "Rasulpur", "Hasanpur", "Bhawanipur",
        "Mohanpur", "Lalganj", "Sonbarsa", "Pipra", "Barhalganj", "Ward 1", "Ward 2", "Ward 3", "Ward 4", "Ward 5",
        "Karanpur", "Shivpur", "Harraiya", "Belwa", "Kusmi", "Semra", "Mahuli", "Amiliya", "Basantpur", "Jamuni",
    ]
}
